package io.github.sasredis.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.github.sasredis.autoconfigure.SasRedisAutoConfiguration;
import io.github.sasredis.store.mapping.TokenKind;
import io.github.sasredis.test.RedisSentinelSetup;
import io.github.sasredis.test.RedisTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Redis Sentinel as an application configures it: the store comes from the auto-configuration on Boot's
 * {@code spring.data.redis.sentinel.*} properties, with {@code sas-redis.replicas-to-await=1}. Under mixed traffic
 * (saves of new grants, {@code findByToken} of acknowledged ones) a forced {@code SENTINEL FAILOVER} promotes the
 * replica; the store serves writes and reads through the new master again within a bounded time, and every grant
 * whose save returned normally is found on the new master afterwards.
 */
class RedisSentinelFailoverTests {

	/** From {@code SENTINEL FAILOVER} until writes and reads succeed through the new master again. */
	private static final Duration RESUME_WITHIN = Duration.ofSeconds(20);

	private static final RedisKeys KEYS = new RedisKeys();

	private static RedisSentinelSetup sentinel;

	@BeforeAll
	static void start() {
		sentinel = RedisSentinelSetup.start();
	}

	@AfterAll
	static void stop() {
		if (sentinel != null) {
			sentinel.close();
		}
	}

	private static ApplicationContextRunner contextRunner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SasRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.sentinel.master=" + RedisSentinelSetup.MASTER_NAME,
					"spring.data.redis.sentinel.nodes=" + String.join(",", sentinel.sentinelAddresses()),
					// above any WAIT's timeout: a command resent after a reconnection keeps its first deadline
					"spring.data.redis.timeout=5s")
			.withPropertyValues(properties);
	}

	@Test
	void saveWhenReplicasToAwaitSetThenEveryWriteIssuesWaitOnTheMaster() {
		sentinel.awaitReplicaInSync();
		try (RedisTestClient master = new RedisTestClient("127.0.0.1", sentinel.masterPort())) {
			contextRunner("sas-redis.replicas-to-await=1").run((context) -> {
				assertConnectedThroughSentinel(context);
				OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
				long before = waitCalls(master);
				for (int i = 0; i < 5; i++) {
					service.save(TestAuthorizations.authorizationCodeGrant("wait-user"));
				}
				assertThat(waitCalls(master) - before).as("WAIT calls on the master for 5 saves").isEqualTo(5);
			});
			contextRunner().run((context) -> {
				long before = waitCalls(master);
				context.getBean(OAuth2AuthorizationService.class)
					.save(TestAuthorizations.authorizationCodeGrant("wait-user"));
				assertThat(waitCalls(master) - before).as("WAIT calls without replicas-to-await").isZero();
			});
			contextRunner("sas-redis.replicas-to-await=2", "sas-redis.replica-timeout=250ms").run((context) -> {
				OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
				assertThatExceptionOfType(AuthorizationStoreUnavailableException.class)
					.isThrownBy(() -> service.save(TestAuthorizations.authorizationCodeGrant("wait-user")))
					.withMessageContaining("Only 1 of 2");
			});
		}
	}

	@Test
	void failoverUnderTrafficThenServesThroughNewMasterAndLosesNoAcknowledgedGrant() {
		sentinel.awaitReplicaInSync();
		// a save spends most of its time in a WAIT on the old master once the replica is promoted, so the
		// sentinels most likely close the store's connection during one (the case that lost grants), and its
		// resent WAIT has time to be acknowledged by the new master's replica
		contextRunner("sas-redis.replicas-to-await=1", "sas-redis.replica-timeout=2s").run((context) -> {
			assertConnectedThroughSentinel(context);
			OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
			int oldMaster = sentinel.masterPort();
			int replica = sentinel.currentReplica().port();
			Traffic traffic = new Traffic(service);
			traffic.start();
			long failoverStarted;
			long failedOver;
			try {
				traffic.await("saves and reads before the failover", System.nanoTime() + seconds(15),
						() -> traffic.savedSince(0) >= 20 && traffic.readsSince(0) >= 20);
				failoverStarted = System.nanoTime();
				sentinel.failover();
				failedOver = System.nanoTime();
				assertThat(sentinel.masterPort()).isNotEqualTo(oldMaster).isEqualTo(replica);
				// a save acknowledged after the failover went to the new master (the old one has no replica to
				// acknowledge it), and the store's connection then stays there: reads started after it go there too
				traffic.await("saves and reads through the new master", failoverStarted + RESUME_WITHIN.toNanos(),
						() -> traffic.savedSince(failedOver) >= 20
								&& traffic.readsSince(traffic.firstSaveStartedSince(failedOver)) >= 20);
			}
			finally {
				traffic.stop();
			}
			traffic.assertNoUnexpectedOutcome();
			int newMaster = sentinel.masterPort();
			List<Acknowledged> acknowledged = new ArrayList<>(traffic.acknowledged);
			try (RedisTestClient master = new RedisTestClient("127.0.0.1", newMaster)) {
				assertThat(master.info("replication")).contains("role:master");
				for (Acknowledged grant : acknowledged) {
					OAuth2Authorization authorization = grant.authorization();
					assertThat(master.exists(KEYS.authorization(authorization.getPrincipalName(), authorization.getId())))
						.as("grant %s acknowledged %s the failover, on the new master", authorization.getId(),
								(grant.started() < failoverStarted) ? "before" : "during or after")
						.isTrue();
					OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN),
							OAuth2TokenType.REFRESH_TOKEN);
					assertThat(found).as("grant %s found by its refresh token", authorization.getId()).isNotNull();
					assertThat(found.getId()).isEqualTo(authorization.getId());
				}
			}
			System.out.printf(
					"Sentinel failover: %d grants acknowledged (%d before the failover), %d saves %s and %d reads"
							+ " failed; failover took %d ms; writes resumed %d ms and reads through the new master"
							+ " %d ms after SENTINEL FAILOVER%n",
					acknowledged.size(), acknowledged.stream().filter((a) -> a.started() < failoverStarted).count(),
					traffic.saveFailures.get(), traffic.saveFailureReasons, traffic.readFailures.get(),
					millis(failedOver - failoverStarted),
					millis(traffic.firstSaveStartedSince(failedOver) - failoverStarted),
					millis(traffic.firstReadStartedSince(traffic.firstSaveStartedSince(failedOver))
							- failoverStarted));
		});
	}

	private static void assertConnectedThroughSentinel(ApplicationContext context) {
		assertThat(context.getBean(RedisConnectionFactory.class)).isInstanceOfSatisfying(LettuceConnectionFactory.class,
				(factory) -> assertThat(factory.getSentinelConfiguration()).isNotNull());
	}

	private static long waitCalls(RedisTestClient client) {
		return client.commandStats().getOrDefault("wait", 0L);
	}

	private static long seconds(long seconds) {
		return TimeUnit.SECONDS.toNanos(seconds);
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	/**
	 * A grant whose save returned normally, and when (nano time) that save started.
	 */
	private record Acknowledged(OAuth2Authorization authorization, long started) {
	}

	/**
	 * One thread saving new grants, one reading back grants already acknowledged, both through the store.
	 */
	private static final class Traffic {

		private final OAuth2AuthorizationService service;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();

		/** Start times of reads that found the grant they looked for. */
		private final Queue<Long> reads = new ConcurrentLinkedQueue<>();

		private final AtomicInteger saveFailures = new AtomicInteger();

		private final AtomicInteger readFailures = new AtomicInteger();

		private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();

		/** Why saves failed (message up to its first colon or parenthesis), and how often. */
		private final Map<String, Integer> saveFailureReasons = new ConcurrentHashMap<>();

		/** Anything but a success or an {@link AuthorizationStoreUnavailableException}, as a read of null. */
		private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();

		private final List<Thread> threads = new ArrayList<>();

		Traffic(OAuth2AuthorizationService service) {
			this.service = service;
		}

		void start() {
			this.threads.add(new Thread(this::save, "sentinel-test-writer"));
			this.threads.add(new Thread(this::read, "sentinel-test-reader"));
			this.threads.forEach(Thread::start);
		}

		private void save() {
			int i = 0;
			while (this.running.get()) {
				OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("user-" + (i++ % 20));
				long started = System.nanoTime();
				try {
					this.service.save(authorization);
					this.acknowledged.add(new Acknowledged(authorization, started));
				}
				catch (AuthorizationStoreUnavailableException ex) {
					this.saveFailures.incrementAndGet();
					this.lastFailure.set(ex);
					this.saveFailureReasons.merge(String.valueOf(ex.getMessage()).replaceAll("[:(].*", "").trim(), 1,
							Integer::sum);
				}
				catch (RuntimeException ex) {
					this.unexpected.add("save of " + authorization.getId() + ": " + ex);
				}
				pause();
			}
		}

		private void read() {
			while (this.running.get()) {
				int size = this.acknowledged.size();
				if (size > 0) {
					OAuth2Authorization authorization = this.acknowledged
						.get(ThreadLocalRandom.current().nextInt(size))
						.authorization();
					long started = System.nanoTime();
					try {
						OAuth2Authorization found = this.service.findByToken(
								valueOf(authorization, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN);
						if (found == null || !found.getId().equals(authorization.getId())) {
							this.unexpected.add("acknowledged grant " + authorization.getId() + " read as " + found);
						}
						else {
							this.reads.add(started);
						}
					}
					catch (AuthorizationStoreUnavailableException ex) {
						this.readFailures.incrementAndGet();
						this.lastFailure.set(ex);
					}
					catch (RuntimeException ex) {
						this.unexpected.add("read of " + authorization.getId() + ": " + ex);
					}
				}
				pause();
			}
		}

		private void pause() {
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.running.set(false);
			}
		}

		long savedSince(long nanoTime) {
			return this.acknowledged.stream().filter((grant) -> grant.started() >= nanoTime).count();
		}

		long readsSince(long nanoTime) {
			return this.reads.stream().filter((started) -> started >= nanoTime).count();
		}

		long firstSaveStartedSince(long nanoTime) {
			return this.acknowledged.stream()
				.mapToLong(Acknowledged::started)
				.filter((started) -> started >= nanoTime)
				.min()
				.orElse(Long.MAX_VALUE);
		}

		long firstReadStartedSince(long nanoTime) {
			return this.reads.stream().mapToLong(Long::longValue).filter((started) -> started >= nanoTime).min()
				.orElse(Long.MAX_VALUE);
		}

		void await(String what, long deadline, BooleanSupplier condition) {
			while (!condition.getAsBoolean()) {
				assertNoUnexpectedOutcome();
				assertThat(System.nanoTime() - deadline)
					.as("waiting for %s: %d saves acknowledged, %d failed, %d reads, %d failed (last failure: %s)",
							what, this.acknowledged.size(), this.saveFailures.get(), this.reads.size(),
							this.readFailures.get(), this.lastFailure.get())
					.isNegative();
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
		}

		void assertNoUnexpectedOutcome() {
			assertThat(this.unexpected).as("outcomes other than success or store unavailable").isEmpty();
		}

		void stop() {
			this.running.set(false);
			for (Thread thread : this.threads) {
				try {
					thread.join(TimeUnit.SECONDS.toMillis(10));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				assertThat(thread.isAlive()).as("%s stopped", thread.getName()).isFalse();
			}
		}

	}

}
