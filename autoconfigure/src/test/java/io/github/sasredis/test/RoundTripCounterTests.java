package io.github.sasredis.test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifies that {@link RoundTripCounter} counts exactly the commands Spring Data Redis
 * sends, synchronously, and cross-checks the count with the server's own statistics.
 */
class RoundTripCounterTests {

	private final RoundTripCounter counter = new RoundTripCounter();

	private LettuceConnectionFactory factory;

	private StringRedisTemplate template;

	private final String prefix = "rtc-test:" + UUID.randomUUID() + ":";

	@BeforeEach
	void setUp() {
		this.factory = RoundTripCounter.connectionFactory(SharedRedis.host(), SharedRedis.port(), this.counter);
		this.template = new StringRedisTemplate(this.factory);
	}

	@AfterEach
	void tearDown() {
		try (RedisTestClient client = RedisTestClient.shared()) {
			client.scanAllKeys().stream().filter((key) -> key.startsWith(this.prefix)).forEach(client::del);
		}
		this.factory.destroy();
	}

	@Test
	void startsAtZeroAfterTheEagerConnection() {
		assertThat(this.counter.count()).isZero();
		assertThat(this.counter.byCommand()).isEmpty();
	}

	@Test
	void oneGetIsOneCommand() {
		long during = this.counter.countDuring(() -> this.template.opsForValue().get(this.prefix + "x"));
		assertThat(during).isEqualTo(1);
		assertThat(this.counter.count()).isEqualTo(1);
		assertThat(this.counter.byCommand()).containsExactly(Map.entry("get", 1L));
	}

	@Test
	void setAndGetAreTwoCommands() {
		this.template.opsForValue().set(this.prefix + "x", "v");
		assertThat(this.template.opsForValue().get(this.prefix + "x")).isEqualTo("v");
		assertThat(this.counter.count()).isEqualTo(2);
		assertThat(this.counter.byCommand()).containsOnly(Map.entry("get", 1L), Map.entry("set", 1L));
	}

	@Test
	void countIsUpToDateAsSoonAsTheCallReturns() {
		for (int i = 1; i <= 500; i++) {
			this.template.hasKey(this.prefix + i);
			assertThat(this.counter.count()).isEqualTo(i);
		}
	}

	@Test
	void clientSideCountMatchesServerSideCommandStats() {
		try (RedisTestClient client = RedisTestClient.shared()) {
			Map<String, Long> before = client.commandStats();
			for (int i = 0; i < 7; i++) {
				this.template.opsForValue().set(this.prefix + i, "v" + i);
				this.template.opsForHash().put(this.prefix + "h", "f" + i, "v");
			}
			Map<String, Long> after = client.commandStats();
			assertThat(delta(before, after, "set")).isEqualTo(7).isEqualTo(this.counter.byCommand().get("set"));
			assertThat(delta(before, after, "hset")).isEqualTo(7).isEqualTo(this.counter.byCommand().get("hset"));
		}
	}

	@Test
	void errorRepliesAreCounted() {
		this.template.opsForValue().set(this.prefix + "s", "not a number");
		this.counter.reset();
		try {
			this.template.opsForValue().increment(this.prefix + "s");
		}
		catch (RuntimeException expected) {
			// ERR value is not an integer
		}
		assertThat(this.counter.byCommand()).containsExactly(Map.entry("incr", 1L));
	}

	/**
	 * Without a pool, Spring Data Redis runs a pipeline on a new dedicated connection,
	 * so each pipeline also pays that connection's handshake ({@code HELLO} and two
	 * {@code CLIENT SETINFO}); the shared connection is only used for plain commands.
	 */
	@Test
	void pipelineCountsOnePerCommandPlusTheHandshakeOfItsDedicatedConnection() {
		long[] handshake = new long[2];
		for (int run = 0; run < 2; run++) {
			this.counter.reset();
			this.template.executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = 0; i < 3; i++) {
					connection.stringCommands().get((this.prefix + i).getBytes());
				}
				return null;
			});
			Map<String, Long> byCommand = this.counter.byCommand();
			assertThat(byCommand.get("get")).isEqualTo(3L);
			// with Redis 7 and Lettuce 6.8: HELLO and two CLIENT SETINFO
			assertThat(byCommand).containsKey("hello");
			assertThat(byCommand.keySet()).isSubsetOf("get", "hello", "client", "ping", "select", "auth");
			handshake[run] = this.counter.count() - 3;
		}
		assertThat(handshake[1]).as("every pipeline opens a new connection").isEqualTo(handshake[0]).isPositive();
	}

	/**
	 * Spring's script executor tries {@code EVALSHA} and, when Redis answers
	 * {@code NOSCRIPT}, sends {@code EVAL}: a script unknown to the server costs 2
	 * commands, every later call 1.
	 */
	@Test
	void luaScriptIsEvalshaPlusEvalTheFirstTimeThenOneEvalsha() {
		// unique source so that the server has certainly never seen this script
		RedisScript<Long> script = RedisScript.of("-- " + UUID.randomUUID() + "\n"
				+ "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('STRLEN', KEYS[1])", Long.class);
		List<String> keys = List.of(this.prefix + "lua");
		try (RedisTestClient client = RedisTestClient.shared()) {
			Map<String, Long> before = client.commandStats();
			long first = this.counter.countDuring(() -> assertThat(this.template.execute(script, keys, "abc")).isEqualTo(3L));
			assertThat(first).isEqualTo(2);
			assertThat(this.counter.byCommand()).containsOnly(Map.entry("evalsha", 1L), Map.entry("eval", 1L));
			Map<String, Long> after = client.commandStats();
			// the server counts the NOSCRIPT EVALSHA as a call too
			assertThat(delta(before, after, "evalsha")).isEqualTo(1);
			assertThat(delta(before, after, "eval")).isEqualTo(1);
		}
		this.counter.reset();
		for (int i = 0; i < 5; i++) {
			long later = this.counter.countDuring(() -> this.template.execute(script, keys, "abcd"));
			assertThat(later).isEqualTo(1);
		}
		assertThat(this.counter.byCommand()).containsExactly(Map.entry("evalsha", 5L));
	}

	private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
		return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
	}

}
