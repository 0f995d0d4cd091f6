package io.github.sasredis.store;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.github.sasredis.store.mapping.TokenKind;
import io.github.sasredis.test.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The cluster key layout on a real three-master Redis Cluster: one hash slot per user (no CROSSSLOT), the
 * record under {@code refresh_token:{<user id>}:<jti>} with its TTL, listing and revoking across users spread
 * over every node, reuse detection and compare-and-set, nothing at rest but digests.
 */
class RedisClusterTests {

	private static LettuceConnectionFactory connectionFactory;

	private static RedisOAuth2AuthorizationService service;

	private static RedisRefreshTokenRegistry registry;

	private static RedisCluster cluster;

	@BeforeAll
	static void connect() {
		cluster = ClusterStores.cluster();
		connectionFactory = ClusterStores.connectionFactory();
		service = ClusterStores.store(connectionFactory);
		registry = new RedisRefreshTokenRegistry(service);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@BeforeEach
	void flush() {
		cluster.flushAll();
	}

	private static String jtiOf(OAuth2Authorization authorization) {
		TokenDigester digester = TokenDigester.sha256();
		return digester.jti(digester.digest(valueOf(authorization, TokenKind.REFRESH_TOKEN)));
	}

	@Test
	void saveWhenClusterLayoutThenUserKeysShareOneSlotAndRecordCarriesHashTag() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String recordKey = "refresh_token:{alice}:" + jtiOf(authorization);
		assertThat(cluster.scanAllKeys()).contains(recordKey, "oauth2:user_refresh_tokens:{alice}",
				"oauth2:authorization:{alice}:" + authorization.getId(),
				"oauth2:authorization_id:" + authorization.getId());
		long slot = (Long) cluster.commandOnNodeOf(recordKey, "CLUSTER", "KEYSLOT", recordKey);
		assertThat((Long) cluster.commandOnNodeOf(recordKey, "CLUSTER", "KEYSLOT",
				"oauth2:authorization:{alice}:" + authorization.getId())).isEqualTo(slot);
		assertThat((Long) cluster.commandOnNodeOf(recordKey, "CLUSTER", "KEYSLOT",
				"oauth2:user_refresh_tokens:{alice}")).isEqualTo(slot);
		OAuth2RefreshToken refreshToken = authorization.getRefreshToken().getToken();
		long lifetime = Duration.between(refreshToken.getIssuedAt(), refreshToken.getExpiresAt()).toSeconds();
		assertThat((Long) cluster.commandOnNodeOf(recordKey, "TTL", recordKey)).isBetween(lifetime + 58,
				lifetime + 60);
		assertThat(String.valueOf(cluster.commandOnNodeOf(recordKey, "GET", recordKey)))
			.contains("\"user_id\":\"alice\"");
		for (String key : cluster.scanAllKeys()) {
			assertThat((Long) cluster.commandOnNodeOf(key, "PTTL", key)).as("TTL of %s", key).isPositive();
		}
		String dump = cluster.dumpAllKeysAndValues();
		for (TokenKind kind : TokenKind.values()) {
			String value = valueOf(authorization, kind);
			if (value != null) {
				assertThat(dump).doesNotContain(value);
			}
		}
	}

	@Test
	void registryWhenUsersSpreadOverEveryNodeThenListAndRevokeAllWork() {
		List<String> users = IntStream.range(0, 30).mapToObj((i) -> "user-" + i).toList();
		Set<Integer> nodes = new HashSet<>();
		for (String user : users) {
			service.save(TestAuthorizations.authorizationCodeGrant(user));
			service.save(TestAuthorizations.authorizationCodeGrant(user));
			nodes.add(cluster.nodeOf("oauth2:user_refresh_tokens:{" + user + "}"));
		}
		assertThat(nodes).as("users live on every node").hasSize(3);
		for (String user : users) {
			assertThat(registry.findByUser(user)).hasSize(2)
				.allSatisfy((record) -> assertThat(record.userId()).isEqualTo(user));
		}
		assertThat(registry.revokeAll("user-7", RevocationCause.OPS)).hasSize(2);
		assertThat(registry.findByUser("user-7")).isEmpty();
		assertThat(registry.findByUser("user-8")).hasSize(2);
		assertThat(cluster.scanAllKeys()).noneMatch((key) -> key.contains("{user-7}"));
	}

	@Test
	void registryWhenPrincipalNamesAreAwkwardThenEachUserInOneSlotAndOnlyItsOwnTokens() {
		List<String> names = OAuth2AuthorizationServiceContractTests.AWKWARD_NAMES;
		for (String name : names) {
			service.save(TestAuthorizations.authorizationCodeGrant(name));
			service.save(TestAuthorizations.authorizationCodeGrant(name));
		}
		for (String name : names) {
			List<RefreshTokenRecord> records = registry.findByUser(name);
			assertThat(records).as("tokens of %s", name)
				.hasSize(2)
				.allSatisfy((record) -> assertThat(record.userId()).isEqualTo(name));
		}
		RedisKeys keys = new RedisKeys(RedisKeys.DEFAULT_NAMESPACE, RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX, true);
		for (String name : List.of("}x", "\\}", "\\")) {
			RefreshTokenRecord record = registry.findByUser(name).get(0);
			String recordKey = keys.refreshTokenRecord(name, record.jti());
			long slot = (Long) cluster.commandOnNodeOf(recordKey, "CLUSTER", "KEYSLOT", recordKey);
			assertThat((Long) cluster.commandOnNodeOf(recordKey, "CLUSTER", "KEYSLOT", keys.userIndex(name)))
				.as("index of %s", name)
				.isEqualTo(slot);
			assertThat((Long) cluster.commandOnNodeOf(recordKey, "CLUSTER", "KEYSLOT",
					keys.authorization(name, record.authorizationId())))
				.as("authorization of %s", name)
				.isEqualTo(slot);
		}
		assertThat(registry.revokeAll("}x", RevocationCause.OPS)).hasSize(2);
		for (String name : names) {
			assertThat(registry.findByUser(name)).as("tokens of %s", name).hasSize(name.equals("}x") ? 0 : 2);
		}
	}

	@Test
	void removeWhenClusterLayoutThenNoKeyLeft() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		assertThat(service.findById(authorization.getId())).isNotNull();
		service.remove(authorization);
		assertThat(cluster.scanAllKeys()).isEmpty();
		assertThat(service.findById(authorization.getId())).isNull();
	}

	@Test
	void rotationWhenClusterLayoutThenReuseRevokesGrantAndStaleWriterRejected() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String first = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		OAuth2Authorization readByFirst = service.findByToken(first, OAuth2TokenType.REFRESH_TOKEN);
		OAuth2Authorization readBySecond = service.findByToken(first, OAuth2TokenType.REFRESH_TOKEN);
		OAuth2Authorization rotated = TestAuthorizations.rotate(readByFirst);
		service.save(rotated);
		assertThatExceptionOfType(ConcurrentAuthorizationChangeException.class)
			.isThrownBy(() -> service.save(TestAuthorizations.rotate(readBySecond)));
		assertThat(registry.findByUser("alice")).extracting(RefreshTokenRecord::jti).containsExactly(jtiOf(rotated));
		assertThat(service.findByToken(valueOf(rotated, TokenKind.REFRESH_TOKEN), null)).isNotNull();
		assertThat(service.findByToken(first, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(service.findByToken(valueOf(rotated, TokenKind.REFRESH_TOKEN), null)).isNull();
		assertThat(cluster.scanAllKeys()).noneMatch((key) -> key.startsWith("refresh_token:"));
	}

	@Test
	void findByTokenWhenRecordDeletedExternallyThenRefused() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String recordKey = "refresh_token:{alice}:" + jtiOf(authorization);
		assertThat((Long) cluster.commandOnNodeOf(recordKey, "DEL", recordKey)).isEqualTo(1);
		assertThat(service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), null)).isNull();
		assertThat(service.findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null)).isNotNull();
	}

}
