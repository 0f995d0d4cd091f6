package io.github.sasredis.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.lettuce.core.api.async.BaseRedisAsyncCommands;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Makes a write count as done only once replicas have it: {@code WAIT <replicas> <timeout>} on the connection
 * that wrote. Redis replication is asynchronous, so without it a failover can lose writes the store already
 * reported (a refresh token the client holds becomes unknown, a revocation comes undone). Fails closed with
 * {@link AuthorizationStoreUnavailableException} when fewer replicas acknowledge in time.
 * <p>
 * {@code WAIT} only counts the writes of the connection it runs on. A client that reconnects and resends what was
 * in flight (Lettuce does, when the sentinels demote a master and close its connections) can run the write on the
 * old connection and the {@code WAIT} on the new one, to another server, where it counts nothing and returns at
 * once. So the connection is identified ({@code CLIENT INFO}: id, client and server address) before the write and
 * after the {@code WAIT}; when they differ the write fails too, as its fate is unknown.
 */
final class ReplicaAcknowledgement {

	static final ReplicaAcknowledgement NONE = new ReplicaAcknowledgement(0, Duration.ofSeconds(1));

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent(
			"io.lettuce.core.api.async.BaseRedisAsyncCommands", ReplicaAcknowledgement.class.getClassLoader());

	private final int replicas;

	private final long timeoutMillis;

	ReplicaAcknowledgement(int replicas, Duration timeout) {
		Assert.isTrue(replicas >= 0, "replicasToAwait cannot be negative");
		Assert.notNull(timeout, "timeout cannot be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		this.replicas = replicas;
		this.timeoutMillis = timeout.toMillis();
	}

	/**
	 * Runs a write and, when replicas are to be awaited, {@code WAIT}s for them: the identity check, the write, the
	 * {@code WAIT} and the second identity check run in one session, on one connection, also where connections are
	 * pooled.
	 * @param <T> the write's result
	 * @param redis the operations the write goes through
	 * @param keys the key names (waiting is not supported in the cluster layout)
	 * @param write the write, given the operations to use
	 * @return what the write returned
	 */
	<T> T write(RedisOperations<String, String> redis, RedisKeys keys,
			Function<RedisOperations<String, String>, T> write) {
		if (this.replicas == 0) {
			return write.apply(redis);
		}
		Assert.state(!keys.isClustered(), "Waiting for replicas is not supported in the cluster key layout");
		return redis.execute(new SessionCallback<T>() {

			@Override
			@SuppressWarnings("unchecked")
			public <K, V> T execute(RedisOperations<K, V> operations) {
				RedisOperations<String, String> session = (RedisOperations<String, String>) operations;
				String writtenOn = connectionIdentity(session);
				T result = write.apply(session);
				await(session, writtenOn);
				return result;
			}

		});
	}

	private void await(RedisOperations<String, String> redis, String writtenOn) {
		Object acknowledged = redis.execute((RedisCallback<Object>) (connection) -> {
			Object nativeConnection = connection.getNativeConnection();
			if (LETTUCE_PRESENT && LettuceWait.supports(nativeConnection)) {
				return LettuceWait.await(nativeConnection, this.replicas, this.timeoutMillis);
			}
			return connection.execute("WAIT", Integer.toString(this.replicas).getBytes(StandardCharsets.US_ASCII),
					Long.toString(this.timeoutMillis).getBytes(StandardCharsets.US_ASCII));
		});
		String waitedOn = connectionIdentity(redis);
		if (!waitedOn.equals(writtenOn)) {
			throw new AuthorizationStoreUnavailableException("The connection to Redis changed during the write ("
					+ writtenOn + " -> " + waitedOn + "): whether it reached " + this.replicas
					+ " replicas is unknown");
		}
		long count = (acknowledged instanceof Number number) ? number.longValue() : -1;
		if (count < this.replicas) {
			throw new AuthorizationStoreUnavailableException("Only " + Math.max(count, 0) + " of " + this.replicas
					+ " Redis replicas acknowledged the write in time");
		}
	}

	/**
	 * {@code id}, {@code addr} and {@code laddr} of {@code CLIENT INFO} (Redis 6.2): a reconnection, to the same
	 * server or another, has another id or another client address, and another server another server address.
	 */
	private static String connectionIdentity(RedisOperations<String, String> redis) {
		Object reply = redis.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				"INFO".getBytes(StandardCharsets.US_ASCII)));
		String info = (reply instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8)
				: String.valueOf(reply);
		StringBuilder identity = new StringBuilder();
		for (String field : info.trim().split(" ")) {
			if (field.startsWith("id=") || field.startsWith("addr=") || field.startsWith("laddr=")) {
				identity.append((identity.length() > 0) ? " " : "").append(field);
			}
		}
		Assert.state(identity.length() > 0, () -> "Unexpected CLIENT INFO reply: " + info);
		return identity.toString();
	}

	/**
	 * {@code WAIT} through Lettuce's own command (Spring Data's generic {@code execute} cannot read its integer
	 * reply). Kept apart so that Lettuce stays optional.
	 */
	private static final class LettuceWait {

		static boolean supports(Object nativeConnection) {
			return nativeConnection instanceof BaseRedisAsyncCommands<?, ?>;
		}

		static Object await(Object nativeConnection, int replicas, long timeoutMillis) {
			try {
				return ((BaseRedisAsyncCommands<?, ?>) nativeConnection).waitForReplication(replicas, timeoutMillis)
					.get(timeoutMillis + 5000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AuthorizationStoreUnavailableException("Interrupted while waiting for Redis replicas", ex);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new AuthorizationStoreUnavailableException("Redis replicas did not answer", ex);
			}
		}

	}

}
