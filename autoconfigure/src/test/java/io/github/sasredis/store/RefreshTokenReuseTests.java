package io.github.sasredis.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sasredis.store.mapping.TokenKind;
import io.github.sasredis.test.RedisTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refresh-token reuse detection (RFC 9700): a rotated-out refresh token presented again revokes the whole grant,
 * except the immediate predecessor within the rotation grace period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefreshTokenReuseTests {

	RedisTestClient redis;

	private LettuceConnectionFactory connectionFactory;

	RedisOAuth2AuthorizationService service;

	private static final List<RefreshTokenRevokedEvent> events = new CopyOnWriteArrayList<>();

	private static final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

	@BeforeAll
	void connect() {
		redis = redisClient();
		connectionFactory = RedisStores.connectionFactory(redis.host(), redis.port());
		service = new RedisOAuth2AuthorizationService(new StringRedisTemplate(connectionFactory));
		service.setKeys(keys());
		service.setEventPublisher((event) -> events.add((RefreshTokenRevokedEvent) event));
		service.setClock(new Clock() {
			@Override
			public Instant instant() {
				return now.get();
			}

			@Override
			public java.time.ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}
		});
	}

	/** The Redis these tests run on. */
	RedisTestClient redisClient() {
		return RedisTestClient.shared();
	}

	/** The lookup of the secret with this digest, or {@code null}. */
	String lookup(String digest) {
		return redis.get("oauth2:token:" + digest);
	}

	/** The TTL (ms) of the lookup of the secret with this digest. */
	long lookupTtl(String digest) {
		return redis.pttl("oauth2:token:" + digest);
	}

	/** The key names (and layout of lookups) under test. */
	RedisKeys keys() {
		return new RedisKeys();
	}

	@AfterAll
	void disconnect() {
		connectionFactory.destroy();
	}

	@BeforeEach
	void reset() {
		redis.flushAll();
		events.clear();
		now.set(Instant.now());
		service.setRotationGracePeriod(Duration.ZERO);
	}

	private OAuth2Authorization rotate(String refreshToken) {
		OAuth2Authorization found = service.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
		assertThat(found).as("refresh token usable before rotation").isNotNull();
		OAuth2Authorization rotated = TestAuthorizations.rotate(found);
		service.save(rotated);
		return rotated;
	}

	@Test
	void findByTokenWhenRotatedOutTokenPresentedThenWholeGrantRevoked() {
		OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(issued);
		OAuth2Authorization current = rotate(valueOf(issued, TokenKind.REFRESH_TOKEN));
		assertThat(service.findByToken(valueOf(issued, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN))
			.isNull();
		assertThat(service.findByToken(valueOf(current, TokenKind.REFRESH_TOKEN), null)).isNull();
		assertThat(service.findByToken(valueOf(current, TokenKind.ACCESS_TOKEN), null)).isNull();
		assertThat(service.findById(issued.getId())).isNull();
		assertThat(redis.scanAllKeys()).noneMatch((key) -> key.startsWith("refresh_token:"));
		String jti = jtiOf(valueOf(current, TokenKind.REFRESH_TOKEN));
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.getCause()).isEqualTo(RevocationCause.REUSE);
			assertThat(event.getUserId()).isEqualTo("alice");
			assertThat(event.getJtis()).containsExactly(jti);
			assertThat(event.getRecords().get(0).clientId()).isEqualTo(issued.getRegisteredClientId());
			assertThat(event.getReuse()).isEqualTo(new RefreshTokenRevokedEvent.Reuse(
					jtiOf(valueOf(issued, TokenKind.REFRESH_TOKEN)), issued.getRegisteredClientId(), issued.getId()));
		});
	}

	@Test
	void findByTokenWhenRotatedOutTokenPresentedAfterCurrentRecordGoneThenEventNamesPresentedJti() {
		OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(issued);
		OAuth2Authorization current = rotate(valueOf(issued, TokenKind.REFRESH_TOKEN));
		String currentJti = jtiOf(valueOf(current, TokenKind.REFRESH_TOKEN));
		assertThat(redis.del("refresh_token:alice:" + currentJti)).isEqualTo(1);
		assertThat(service.findByToken(valueOf(issued, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN))
			.isNull();
		assertThat(service.findById(issued.getId())).isNull();
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.getCause()).isEqualTo(RevocationCause.REUSE);
			assertThat(event.getUserId()).isEqualTo("alice");
			assertThat(event.getRecords()).isEmpty();
			assertThat(event.getReuse()).isEqualTo(new RefreshTokenRevokedEvent.Reuse(
					jtiOf(valueOf(issued, TokenKind.REFRESH_TOKEN)), issued.getRegisteredClientId(), issued.getId()));
		});
	}

	private static String jtiOf(String refreshToken) {
		return TokenDigester.sha256().jti(TokenDigester.sha256().digest(refreshToken));
	}

	@Test
	void findByTokenWhenRotatedOutTokenLookedUpAsAnyOtherTypeThenNullAndGrantKept() {
		OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(issued);
		OAuth2Authorization current = rotate(valueOf(issued, TokenKind.REFRESH_TOKEN));
		assertThat(service.findByToken(valueOf(issued, TokenKind.REFRESH_TOKEN), OAuth2TokenType.ACCESS_TOKEN))
			.isNull();
		// introspection looks up any type: it learns the token is not active, and revokes nothing
		assertThat(service.findByToken(valueOf(issued, TokenKind.REFRESH_TOKEN), null)).isNull();
		assertThat(service.findByToken(valueOf(current, TokenKind.REFRESH_TOKEN), null)).isNotNull();
		assertThat(events).isEmpty();
	}

	@Test
	void findByTokenWhenRotatedOutTokenPresentedTwiceThenOneRevocationEvent() {
		OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(issued);
		rotate(valueOf(issued, TokenKind.REFRESH_TOKEN));
		String old = valueOf(issued, TokenKind.REFRESH_TOKEN);
		assertThat(service.findByToken(old, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(service.findByToken(old, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(events).hasSize(1);
	}

	@Test
	void rotatedOutLookupWhenKeptThenExpiresWithTheOldToken() {
		OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(issued);
		rotate(valueOf(issued, TokenKind.REFRESH_TOKEN));
		String digest = TokenDigester.sha256().digest(valueOf(issued, TokenKind.REFRESH_TOKEN));
		assertThat(lookup(digest)).startsWith("x");
		long expected = issued.getRefreshToken().getToken().getExpiresAt().toEpochMilli() + 60_000
				- System.currentTimeMillis();
		assertThat(lookupTtl(digest)).isBetween(expected - 5_000, expected + 5_000);
	}

	@Test
	void findByTokenWhenPredecessorWithinGracePeriodThenAcceptedOnce() {
		service.setRotationGracePeriod(Duration.ofSeconds(10));
		OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(issued);
		String first = valueOf(issued, TokenKind.REFRESH_TOKEN);
		OAuth2Authorization second = rotate(first);
		now.set(now.get().plusSeconds(5));
		OAuth2Authorization third = rotate(first);
		assertThat(events).isEmpty();
		assertThat(service.findByToken(valueOf(third, TokenKind.REFRESH_TOKEN), null)).isNotNull();
		// the first token is no longer the immediate predecessor: presenting it again is reuse
		assertThat(service.findByToken(first, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(events).singleElement().extracting(RefreshTokenRevokedEvent::getCause)
			.isEqualTo(RevocationCause.REUSE);
		assertThat(service.findByToken(valueOf(second, TokenKind.ACCESS_TOKEN), null)).isNull();
	}

	@Test
	void findByTokenWhenPredecessorAfterGracePeriodThenGrantRevoked() {
		service.setRotationGracePeriod(Duration.ofSeconds(10));
		OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(issued);
		String first = valueOf(issued, TokenKind.REFRESH_TOKEN);
		OAuth2Authorization second = rotate(first);
		now.set(now.get().plusSeconds(11));
		assertThat(service.findByToken(first, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(service.findByToken(valueOf(second, TokenKind.REFRESH_TOKEN), null)).isNull();
		assertThat(events).singleElement().extracting(RefreshTokenRevokedEvent::getCause)
			.isEqualTo(RevocationCause.REUSE);
	}

}
