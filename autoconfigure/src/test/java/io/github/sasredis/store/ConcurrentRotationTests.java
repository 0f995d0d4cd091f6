package io.github.sasredis.store;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.github.sasredis.store.mapping.TokenKind;
import io.github.sasredis.test.RedisTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once rotation at the store level (issue 5, point 3): N threads find the same grant by its refresh token
 * (or its authorization code), all before any of them saves (a barrier after the find), then each rotates (or
 * exchanges) and saves. Exactly one save succeeds; every other one fails with
 * {@link ConcurrentAuthorizationChangeException} ({@code invalid_grant}); one record key remains, the winner's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentRotationTests {

	private static final int ROUNDS = 3;

	RedisTestClient redis;

	private static final TokenDigester digester = TokenDigester.sha256();

	private LettuceConnectionFactory connectionFactory;

	RedisOAuth2AuthorizationService service;

	@BeforeAll
	void connect() {
		redis = redisClient();
		connectionFactory = RedisStores.connectionFactory(redis.host(), redis.port());
		service = new RedisOAuth2AuthorizationService(new StringRedisTemplate(connectionFactory));
		service.setKeys(keys());
	}

	/** The Redis these tests run on. */
	RedisTestClient redisClient() {
		return RedisTestClient.shared();
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
	void flush() {
		redis.flushAll();
	}

	@ParameterizedTest(name = "{0} threads")
	@ValueSource(ints = { 8, 32 })
	void rotateWhenAllFoundSameVersionThenExactlyOneSaveSucceeds(int threads) throws Exception {
		for (int round = 1; round <= ROUNDS; round++) {
			redis.flushAll();
			OAuth2Authorization issued = TestAuthorizations.authorizationCodeGrant("alice");
			service.save(issued);
			String presented = valueOf(issued, TokenKind.REFRESH_TOKEN);

			List<Attempt> attempts = race(threads, presented, OAuth2TokenType.REFRESH_TOKEN,
					TestAuthorizations::rotate);

			List<Attempt> saved = attempts.stream().filter((attempt) -> attempt.error() == null).toList();
			assertThat(saved).as("round %d: exactly one save succeeds", round).hasSize(1);
			assertThat(attempts).filteredOn((attempt) -> attempt.error() != null)
				.hasSize(threads - 1)
				.allSatisfy((attempt) -> assertInvalidGrant(attempt.error()));
			assertThat(attempts).allSatisfy((attempt) -> assertThat(attempt.foundVersion()).isEqualTo("1"));

			String winner = valueOf(saved.get(0).saved(), TokenKind.REFRESH_TOKEN);
			assertThat(recordKeys("alice")).as("one record key, the winner's")
				.containsExactly("refresh_token:alice:" + digester.jti(digester.digest(winner)));
			assertThat(redis.scanAllKeys()).filteredOn((key) -> key.startsWith("oauth2:authorization:")).hasSize(1);
			assertThat(redis.zrange("oauth2:user_refresh_tokens:alice")).containsExactly(digester.jti(digester.digest(winner)));
			OAuth2Authorization current = service.findByToken(winner, OAuth2TokenType.REFRESH_TOKEN);
			assertThat(current).as("the winner's refresh token is the grant's").isNotNull();
			assertThat(current.getAttribute(RedisOAuth2AuthorizationService.VERSION_ATTRIBUTE).toString())
				.isEqualTo("2");
			String winnerAccess = valueOf(saved.get(0).saved(), TokenKind.ACCESS_TOKEN);
			assertThat(service.findByToken(winnerAccess, OAuth2TokenType.ACCESS_TOKEN)).isNotNull();
			for (Attempt loser : attempts) {
				if (loser.error() != null) {
					String lost = valueOf(loser.saved(), TokenKind.ACCESS_TOKEN);
					assertThat(service.findByToken(lost, null)).as("a loser's access token is unknown").isNull();
				}
			}
		}
	}

	@ParameterizedTest(name = "{0} threads")
	@ValueSource(ints = { 8, 32 })
	void exchangeWhenAllFoundSameCodeThenExactlyOneSaveSucceeds(int threads) throws Exception {
		for (int round = 1; round <= ROUNDS; round++) {
			redis.flushAll();
			OAuth2Authorization awaitingExchange = codeIssued("bob");
			service.save(awaitingExchange);
			String code = valueOf(awaitingExchange, TokenKind.AUTHORIZATION_CODE);

			List<Attempt> attempts = race(threads, code, new OAuth2TokenType("code"), this::exchange);

			List<Attempt> saved = attempts.stream().filter((attempt) -> attempt.error() == null).toList();
			assertThat(saved).as("round %d: exactly one code exchange is saved", round).hasSize(1);
			assertThat(attempts).filteredOn((attempt) -> attempt.error() != null)
				.hasSize(threads - 1)
				.allSatisfy((attempt) -> assertInvalidGrant(attempt.error()));
			String winner = valueOf(saved.get(0).saved(), TokenKind.REFRESH_TOKEN);
			assertThat(recordKeys("bob")).containsExactly("refresh_token:bob:" + digester.jti(digester.digest(winner)));
			OAuth2Authorization byCode = service.findByToken(code, new OAuth2TokenType("code"));
			assertThat(byCode).isNotNull();
			assertThat(byCode.getToken(OAuth2AuthorizationCode.class).isInvalidated()).isTrue();
		}
	}

	private static void assertInvalidGrant(Throwable error) {
		assertThat(error).isInstanceOf(ConcurrentAuthorizationChangeException.class);
		assertThat(((ConcurrentAuthorizationChangeException) error).getError().getErrorCode())
			.isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
	}

	/**
	 * Each thread finds the grant by the presented secret, waits until every thread has found it, then changes it and
	 * saves.
	 */
	private List<Attempt> race(int threads, String presented, OAuth2TokenType type,
			UnaryOperator<OAuth2Authorization> change) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CyclicBarrier allFound = new CyclicBarrier(threads);
			List<Future<Attempt>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(pool.submit(() -> {
					OAuth2Authorization found = service.findByToken(presented, type);
					allFound.await(10, TimeUnit.SECONDS);
					assertThat(found).isNotNull();
					OAuth2Authorization changed = change.apply(found);
					String version = String.valueOf(found.<Object>getAttribute(
							RedisOAuth2AuthorizationService.VERSION_ATTRIBUTE));
					try {
						service.save(changed);
						return new Attempt(version, changed, null);
					}
					catch (RuntimeException ex) {
						return new Attempt(version, changed, ex);
					}
				}));
			}
			List<Attempt> attempts = new ArrayList<>();
			for (Future<Attempt> future : futures) {
				attempts.add(future.get(30, TimeUnit.SECONDS));
			}
			return attempts;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private List<String> recordKeys(String userId) {
		return redis.scanAllKeys().stream().filter((key) -> key.startsWith("refresh_token:" + userId + ":")).toList();
	}

	/** An authorization-code grant right after the authorization request: a code, no token yet. */
	private OAuth2Authorization codeIssued(String principalName) {
		OAuth2Authorization template = TestAuthorizations.authorizationCodeGrant(principalName);
		Instant now = Instant.now();
		return OAuth2Authorization.withRegisteredClient(TestAuthorizations.CLIENT)
			.id(UUID.randomUUID().toString())
			.principalName(principalName)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizedScopes(Set.of("openid", "read"))
			.attribute(Principal.class.getName(), TestAuthorizations.principal(principalName))
			.attribute(OAuth2AuthorizationRequest.class.getName(),
					template.<OAuth2AuthorizationRequest>getAttribute(OAuth2AuthorizationRequest.class.getName()))
			.token(new OAuth2AuthorizationCode(TestAuthorizations.randomValue(), now, now.plusSeconds(300)))
			.build();
	}

	/** What the code exchange does: invalidates the code, adds access and refresh tokens. */
	private OAuth2Authorization exchange(OAuth2Authorization found) {
		Instant now = Instant.now();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				TestAuthorizations.randomValue(), now, now.plus(Duration.ofMinutes(5)), Set.of("openid", "read"));
		OAuth2RefreshToken refreshToken = new OAuth2RefreshToken(TestAuthorizations.randomValue(), now,
				now.plus(Duration.ofHours(8)));
		return OAuth2Authorization.from(found)
			.invalidate(found.getToken(OAuth2AuthorizationCode.class).getToken())
			.token(accessToken, (metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME,
					Map.of("sub", found.getPrincipalName())))
			.refreshToken(refreshToken)
			.build();
	}

	record Attempt(String foundVersion, OAuth2Authorization saved, Throwable error) {
	}

}
