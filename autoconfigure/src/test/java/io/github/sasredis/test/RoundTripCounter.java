package io.github.sasredis.test;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.resource.ClientResources;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Counts, client-side, the commands a {@link LettuceConnectionFactory} sends to Redis,
 * so that tests can assert e.g. "saving an authorization is one round trip".
 * <p>
 * It is a Lettuce {@link CommandLatencyRecorder}: Lettuce calls it once per command
 * when the reply has been decoded, on the I/O thread and <em>before</em> the command's
 * future is completed, so the count is up to date as soon as a synchronous Spring Data
 * Redis call returns. Every command is counted, including connection handshake
 * commands ({@code HELLO}, {@code CLIENT}, ...) and commands answered with an error
 * (e.g. an {@code EVALSHA} answered {@code NOSCRIPT}); commands that never get a reply
 * (timeouts, disconnects) are not counted. A pipeline or {@code MULTI} block counts
 * one per command, not one per network round trip.
 * <p>
 * Plain template calls use the factory's shared native connection, opened eagerly by
 * {@link #connectionFactory(String, int, RoundTripCounter)} before the counter is
 * reset. Pipelines, transactions and blocking commands use a dedicated connection
 * that (without a pool) is opened for each use, so each of them also counts that
 * connection's handshake: with Lettuce 6.8 against Redis 7, {@code HELLO} plus two
 * {@code CLIENT SETINFO} (3 commands).
 * <p>
 * A Lua script run through {@code RedisTemplate.execute(RedisScript, ...)} counts 2
 * the first time the server sees it ({@code EVALSHA} answered {@code NOSCRIPT}, then
 * {@code EVAL}) and 1 ({@code EVALSHA}) afterwards.
 * <p>
 * Use {@link #connectionFactory(String, int, RoundTripCounter)} to get a started
 * factory wired to a counter; destroying that factory also shuts down its Lettuce
 * {@link ClientResources}.
 */
public final class RoundTripCounter implements CommandLatencyRecorder {

	private final AtomicLong total = new AtomicLong();

	private final Map<String, AtomicLong> perCommand = new ConcurrentHashMap<>();

	/**
	 * Creates a started {@link LettuceConnectionFactory} for {@code host:port} whose
	 * commands are counted by {@code counter}. The shared native connection is opened
	 * eagerly and the counter is {@link #reset() reset} afterwards, so connection
	 * handshake commands are not in the count. Call {@code destroy()} when done.
	 * @param host Redis host
	 * @param port Redis port
	 * @param counter the counter
	 * @return the started factory
	 */
	public static LettuceConnectionFactory connectionFactory(String host, int port, RoundTripCounter counter) {
		ClientResources resources = ClientResources.builder().commandLatencyRecorder(counter).build();
		LettuceClientConfiguration clientConfiguration = LettuceClientConfiguration.builder()
			.clientResources(resources)
			.build();
		LettuceConnectionFactory factory = new CountingConnectionFactory(new RedisStandaloneConfiguration(host, port),
				clientConfiguration, resources);
		factory.setEagerInitialization(true);
		try {
			factory.afterPropertiesSet();
			factory.start();
		}
		catch (RuntimeException ex) {
			factory.destroy();
			throw ex;
		}
		counter.reset();
		return factory;
	}

	@Override
	public boolean isEnabled() {
		return true;
	}

	@Override
	public void recordCommandLatency(SocketAddress local, SocketAddress remote, ProtocolKeyword commandType,
			long firstResponseLatency, long completionLatency) {
		this.total.incrementAndGet();
		this.perCommand.computeIfAbsent(name(commandType), (key) -> new AtomicLong()).incrementAndGet();
	}

	private static String name(ProtocolKeyword commandType) {
		return new String(commandType.getBytes(), StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
	}

	/** @return the number of commands counted since creation or the last {@link #reset()} */
	public long count() {
		return this.total.get();
	}

	/**
	 * @return lower case command name (e.g. {@code "evalsha"}; sub-commands are counted
	 * under their main command, e.g. {@code "client"}) to number of calls, sorted by name
	 */
	public Map<String, Long> byCommand() {
		Map<String, Long> result = new TreeMap<>();
		this.perCommand.forEach((name, count) -> {
			if (count.get() > 0) {
				result.put(name, count.get());
			}
		});
		return result;
	}

	/** Sets all counts to zero. */
	public void reset() {
		this.perCommand.values().forEach((count) -> count.set(0));
		this.total.set(0);
	}

	/**
	 * Runs the action and returns how many commands were counted meanwhile. Not
	 * meaningful if other threads use the same factory at the same time.
	 * @param action the action, typically one call of the code under test
	 * @return the number of commands sent during the action
	 */
	public long countDuring(Runnable action) {
		long before = this.total.get();
		action.run();
		return this.total.get() - before;
	}

	@Override
	public String toString() {
		return "RoundTripCounter[" + count() + " " + byCommand() + "]";
	}

	/**
	 * Shuts down the counter's own {@link ClientResources} on {@link #destroy()}, which
	 * Spring Data Redis does not do for resources it did not create.
	 */
	private static final class CountingConnectionFactory extends LettuceConnectionFactory {

		private final ClientResources resources;

		CountingConnectionFactory(RedisStandaloneConfiguration standalone, LettuceClientConfiguration client,
				ClientResources resources) {
			super(standalone, client);
			this.resources = resources;
		}

		@Override
		public void destroy() {
			try {
				super.destroy();
			}
			finally {
				this.resources.shutdown();
			}
		}

	}

}
