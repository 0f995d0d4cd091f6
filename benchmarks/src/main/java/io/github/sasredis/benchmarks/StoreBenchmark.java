package io.github.sasredis.benchmarks;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.sasredis.store.RefreshTokenRecord;
import io.github.sasredis.store.RevocationCause;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The store operations Spring Authorization Server performs, on stores pre-filled with {@link Workload#GRANTS}
 * grants of {@link Workload#USERS} users. Redis and PostgreSQL are filled once by the {@link Harness} before the
 * benchmarks start; the in-memory store is filled by each trial. Nothing a benchmark does changes the pre-filled grants:
 * rotate works on grants of its own, remove and revoke-all remove grants saved just before (outside the measured
 * time), and what {@code save} adds to PostgreSQL is deleted at the end of the trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
// The Harness runs these in its own JVM (forks 0), warm from filling the stores; see Harness#jmh.
@Fork(0)
public class StoreBenchmark {

	/** Grants each thread rotates in turn; one thread only ever rotates its own. */
	static final int ROTATED_GRANTS_PER_THREAD = 64;

	/** Prefix of the keys {@link #redisFloor} uses, one per thread. */
	static final String FLOOR_KEY_PREFIX = "bench:floor:";

	/** Grants of the user whom revoke-all revokes. */
	static final int GRANTS_PER_REVOKED_USER = Workload.GRANTS / Workload.USERS;

	@State(Scope.Benchmark)
	public static class StoreState {

		@Param({ Stores.REDIS, Stores.REDIS_UNCACHED, Stores.INMEMORY, Stores.JDBC, Stores.JDBC_INDEXED })
		public String store;

		Stores.Store opened;

		String[] refreshTokens;

		final AtomicLong misses = new AtomicLong();

		final AtomicInteger threadNumbers = new AtomicInteger();

		@Setup(Level.Trial)
		public void open() {
			this.opened = Stores.open(this.store);
			if (Stores.INMEMORY.equals(this.store)) {
				Prefill.save(this.opened.service(), Workload::seeded, 0, Workload.GRANTS, 2);
			}
			this.refreshTokens = new String[Workload.GRANTS];
			for (int i = 0; i < Workload.GRANTS; i++) {
				this.refreshTokens[i] = Workload.seededRefreshToken(i);
			}
			if (this.opened.service().findByToken(this.refreshTokens[Workload.GRANTS - 1],
					OAuth2TokenType.REFRESH_TOKEN) == null) {
				throw new IllegalStateException(this.store + " does not hold the pre-filled grants");
			}
		}

		@TearDown(Level.Trial)
		public void close() {
			try {
				if (this.opened.jdbc() != null) {
					Prefill.deleteCreated(this.opened.jdbc());
				}
				if (this.misses.get() > 0) {
					throw new IllegalStateException(this.misses.get() + " lookups found nothing in " + this.store);
				}
			}
			finally {
				this.opened.close();
			}
		}

	}

	@State(Scope.Thread)
	public static class ThreadState {

		SplittableRandom random;

		@Setup(Level.Trial)
		public void setUp() {
			this.random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
		}

	}

	/** A new grant, built before each call of {@link #save}. */
	@State(Scope.Thread)
	public static class NewGrant {

		SplittableRandom random;

		OAuth2Authorization grant;

		@Setup(Level.Trial)
		public void setUp() {
			this.random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
		}

		@Setup(Level.Invocation)
		public void next() {
			this.grant = Workload.newGrant(Workload.userId(this.random.nextInt(Workload.USERS)), this.random);
		}

	}

	/** A grant saved before each call of {@link #remove}. */
	@State(Scope.Thread)
	public static class SavedGrant {

		SplittableRandom random;

		OAuth2Authorization grant;

		@Setup(Level.Trial)
		public void setUp() {
			this.random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
		}

		@Setup(Level.Invocation)
		public void next(StoreState store) {
			this.grant = Workload.newGrant(Workload.userId(this.random.nextInt(Workload.USERS)), this.random);
			store.opened.service().save(this.grant);
		}

	}

	/** A user with {@link #GRANTS_PER_REVOKED_USER} grants, saved before each call of {@link #revokeAllOfUser}. */
	@State(Scope.Thread)
	public static class RevokedUser {

		SplittableRandom random;

		String prefix;

		int next;

		String userId;

		@Setup(Level.Trial)
		public void setUp(StoreState store) {
			this.random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
			this.prefix = "revoked-" + store.threadNumbers.incrementAndGet() + "-" + System.nanoTime() + "-";
		}

		@Setup(Level.Invocation)
		public void next(StoreState store) {
			this.userId = this.prefix + this.next++;
			for (int i = 0; i < GRANTS_PER_REVOKED_USER; i++) {
				store.opened.service().save(Workload.newGrant(this.userId, this.random));
			}
		}

	}

	/** The grants one thread rotates, with their current refresh tokens and the next token values. */
	@State(Scope.Thread)
	public static class RotatedGrants {

		SplittableRandom random;

		String[] refreshTokens = new String[ROTATED_GRANTS_PER_THREAD];

		int cursor;

		@Setup(Level.Trial)
		public void setUp(StoreState store) {
			this.random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
			for (int i = 0; i < ROTATED_GRANTS_PER_THREAD; i++) {
				OAuth2Authorization grant = Workload
					.newGrant(Workload.userId(this.random.nextInt(Workload.USERS)), this.random);
				store.opened.service().save(grant);
				this.refreshTokens[i] = grant.getRefreshToken().getToken().getTokenValue();
			}
		}

	}

	/**
	 * The floor under any two-round-trip store on this machine: a plain {@code GET} and {@code SET} of a value the
	 * size of our document, through a connection factory configured as Boot configures it, with no store logic.
	 */
	@State(Scope.Benchmark)
	public static class FloorState {

		LettuceConnectionFactory factory;

		StringRedisTemplate redis;

		String document;

		final AtomicInteger threadNumbers = new AtomicInteger();

		@Setup(Level.Trial)
		public void open() {
			this.factory = Stores.connectionFactory(Integer.getInteger(Stores.REDIS_PORT_PROPERTY));
			this.redis = new StringRedisTemplate(this.factory);
			this.document = Workload.documentOf(Workload.seeded(0));
		}

		@TearDown(Level.Trial)
		public void close() {
			for (int i = 0; i < this.threadNumbers.get(); i++) {
				this.redis.delete(FLOOR_KEY_PREFIX + i);
			}
			this.factory.destroy();
		}

	}

	/** The key one thread of {@link #redisFloor} reads and writes. */
	@State(Scope.Thread)
	public static class FloorKey {

		String key;

		@Setup(Level.Trial)
		public void setUp(FloorState floor) {
			this.key = FLOOR_KEY_PREFIX + floor.threadNumbers.getAndIncrement();
			floor.redis.opsForValue().set(this.key, floor.document);
		}

	}

	/**
	 * {@code save} of a new grant, as the authorization-code grant saves it after the code exchange.
	 */
	@Benchmark
	public OAuth2Authorization save(StoreState store, NewGrant grant) {
		store.opened.service().save(grant.grant);
		return grant.grant;
	}

	/**
	 * {@code findByToken} of a pre-filled grant's refresh token, as the refresh-token grant starts.
	 */
	@Benchmark
	public OAuth2Authorization findByToken(StoreState store, ThreadState thread) {
		OAuth2Authorization found = store.opened.service()
			.findByToken(store.refreshTokens[thread.random.nextInt(Workload.GRANTS)], OAuth2TokenType.REFRESH_TOKEN);
		if (found == null) {
			store.misses.incrementAndGet();
		}
		return found;
	}

	/**
	 * The refresh-token grant with rotation: find by the refresh token, save with new access and refresh tokens.
	 */
	@Benchmark
	public OAuth2Authorization rotate(StoreState store, RotatedGrants grants) {
		int slot = grants.cursor++ % ROTATED_GRANTS_PER_THREAD;
		OAuth2Authorization found = store.opened.service()
			.findByToken(grants.refreshTokens[slot], OAuth2TokenType.REFRESH_TOKEN);
		if (found == null) {
			store.misses.incrementAndGet();
			return null;
		}
		// the new token values are made here (a few µs of SplittableRandom), not in a per-invocation set-up, whose
		// own bookkeeping JMH warns about for calls this short
		String nextRefreshToken = Workload.randomValue(grants.random, 128);
		OAuth2Authorization rotated = Workload.rotate(found, Workload.accessTokenValue(grants.random), nextRefreshToken);
		store.opened.service().save(rotated);
		grants.refreshTokens[slot] = nextRefreshToken;
		return rotated;
	}

	/**
	 * {@code remove} of a grant.
	 */
	@Benchmark
	public OAuth2Authorization remove(StoreState store, SavedGrant grant) {
		store.opened.service().remove(grant.grant);
		return grant.grant;
	}

	/**
	 * One user's refresh tokens (ours only: the others cannot list a user's tokens).
	 */
	@Benchmark
	public List<RefreshTokenRecord> listUserTokens(StoreState store, ThreadState thread) {
		requireRegistry(store);
		return store.opened.registry().findByUser(Workload.userId(thread.random.nextInt(Workload.USERS)));
	}

	/**
	 * Revoke all refresh tokens of one user with {@link #GRANTS_PER_REVOKED_USER} grants (ours only).
	 */
	@Benchmark
	public List<RefreshTokenRecord> revokeAllOfUser(StoreState store, RevokedUser user) {
		requireRegistry(store);
		List<RefreshTokenRecord> revoked = store.opened.registry().revokeAll(user.userId, RevocationCause.OPS);
		if (revoked.size() != GRANTS_PER_REVOKED_USER) {
			store.misses.incrementAndGet();
		}
		return revoked;
	}

	/**
	 * Two round trips with no store logic: {@code GET} and {@code SET} of a value the size of our document (ours
	 * only: the floor under a rotate on Redis, which is also two round trips).
	 */
	@Benchmark
	public String redisFloor(StoreState store, FloorState floor, FloorKey key) {
		requireRegistry(store);
		String value = floor.redis.opsForValue().get(key.key);
		floor.redis.opsForValue().set(key.key, floor.document);
		return value;
	}

	private static void requireRegistry(StoreState store) {
		if (store.opened.registry() == null) {
			throw new UnsupportedOperationException(store.store + " has no per-user index");
		}
	}

}
