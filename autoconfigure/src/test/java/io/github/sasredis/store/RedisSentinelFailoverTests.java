package io.github.sasredis.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sasredis.store.mapping.TokenKind;
import io.github.sasredis.test.RedisSentinelSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis Sentinel: under traffic, a forced failover to the replica; the store keeps serving through the new
 * master, and with writes waiting for one replica ({@code WAIT 1}) no grant it acknowledged is lost.
 */
class RedisSentinelFailoverTests {

	private static RedisSentinelSetup sentinel;

	private static LettuceConnectionFactory connectionFactory;

	private static RedisOAuth2AuthorizationService service;

	@BeforeAll
	static void start() {
		sentinel = RedisSentinelSetup.start();
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration(RedisSentinelSetup.MASTER_NAME,
				Set.copyOf(sentinel.sentinelAddresses()));
		connectionFactory = new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		service = new RedisOAuth2AuthorizationService(new StringRedisTemplate(connectionFactory));
		service.setReplicasToAwait(1, Duration.ofSeconds(2));
	}

	@AfterAll
	static void stop() {
		connectionFactory.destroy();
		sentinel.close();
	}

	@Test
	void failoverWhenTrafficThenServesThroughNewMasterAndLosesNoAcknowledgedGrant() throws Exception {
		List<OAuth2Authorization> acknowledged = new CopyOnWriteArrayList<>();
		AtomicInteger failed = new AtomicInteger();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger afterFailover = new AtomicInteger();
		AtomicBoolean failedOver = new AtomicBoolean();
		java.util.concurrent.atomic.AtomicReference<Throwable> lastFailure = new java.util.concurrent.atomic.AtomicReference<>();
		Thread traffic = new Thread(() -> {
			int i = 0;
			while (running.get()) {
				OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("user-" + (i++ % 20));
				try {
					service.save(authorization);
					acknowledged.add(authorization);
					if (failedOver.get()) {
						afterFailover.incrementAndGet();
					}
				}
				catch (AuthorizationStoreUnavailableException ex) {
					failed.incrementAndGet();
					lastFailure.set(ex);
				}
				catch (RuntimeException ex) {
					lastFailure.set(ex);
					throw ex;
				}
			}
		});
		traffic.start();
		try {
			awaitCount(acknowledged::size, 50, lastFailure);
			int oldMaster = sentinel.masterPort();
			sentinel.failover();
			assertThat(sentinel.masterPort()).isNotEqualTo(oldMaster).isEqualTo(sentinel.replica().port());
			failedOver.set(true);
			awaitCount(afterFailover::get, 50, lastFailure);
		}
		finally {
			running.set(false);
			traffic.join(30_000);
		}
		for (OAuth2Authorization authorization : acknowledged) {
			assertThat(service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN),
					OAuth2TokenType.REFRESH_TOKEN))
				.as("grant %s acknowledged before or after the failover", authorization.getId())
				.isNotNull();
		}
	}

	private static void awaitCount(java.util.function.IntSupplier count, int atLeast,
			java.util.concurrent.atomic.AtomicReference<Throwable> lastFailure) {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
		while (count.getAsInt() < atLeast) {
			assertThat(Instant.now())
				.as("waiting for %s successful saves, %s so far (last failure: %s)", atLeast, count.getAsInt(),
						lastFailure.get())
				.isBefore(deadline);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
