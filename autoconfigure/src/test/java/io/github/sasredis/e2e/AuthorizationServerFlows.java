package io.github.sasredis.e2e;

import java.util.List;

import io.github.sasredis.actuate.metrics.RefreshTokenRevocationMetrics;
import io.github.sasredis.store.RefreshTokenRevokedEvent;
import io.github.sasredis.store.RevocationCause;
import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import io.github.sasredis.test.RedisTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flows of the end-to-end tests, run by {@link AuthorizationServerEndToEndTests} (lookups as keys) and
 * {@link HashFieldLookupsEndToEndTests} (as hash fields, Redis 8). A real Spring Authorization Server on the
 * starter, over real HTTP and a real Redis: authorization code with PKCE through the login page, refresh with
 * rotation, RFC 7009 revocation, with the Redis keys checked after each step; reuse detection with its event, log
 * line and counter.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(locations = AuthorizationServerEndToEndTests.SERVER_PROPERTIES)
abstract class AuthorizationServerFlows {

	final RedisTestClient redis = redisClient();

	@LocalServerPort
	int port;

	@Autowired
	EveryFlowTestServer.RevokedEvents revokedEvents;

	@Autowired
	MeterRegistry meterRegistry;

	@BeforeEach
	void flush() {
		this.redis.flushAll();
		this.revokedEvents.clear();
	}

	/** The Redis the server runs on. */
	abstract RedisTestClient redisClient();

	/** Asserts that everything the store wrote expires. */
	void assertEverythingExpires() {
		assertThat(this.redis.scanAllKeys()).allSatisfy((key) -> assertThat(this.redis.pttl(key)).isPositive());
	}

	private OAuth2HttpClient client() {
		return new OAuth2HttpClient("http://localhost:" + this.port, "test-client", "test-secret",
				"http://127.0.0.1:8080/callback");
	}

	private List<String> recordKeys() {
		return this.redis.scanAllKeys().stream().filter((key) -> key.startsWith("refresh_token:user:")).toList();
	}

	private void assertNoSecretAtRest(String... secrets) {
		String dump = this.redis.dumpAllKeysAndValues();
		for (String secret : secrets) {
			if (secret != null) {
				assertThat(dump).doesNotContain(secret);
			}
		}
	}

	@Test
	void authorizationCodeRefreshAndRevokeWhenRealServerThenRedisKeysFollow() {
		OAuth2HttpClient client = client();
		TokenResponse issued = client.authorizationCodeFlow("user", "password", "openid read");
		assertThat(issued.accessToken()).isNotBlank();
		assertThat(issued.refreshToken()).isNotBlank();
		assertThat(issued.idToken()).isNotBlank();
		List<String> afterCode = recordKeys();
		assertThat(afterCode).hasSize(1);
		assertThat(this.redis.ttl(afterCode.get(0))).isBetween(3600L + 60 - 5, 3600L + 60);
		assertThat(this.redis.get(afterCode.get(0))).contains("\"user_id\":\"user\"", "\"client_id\":\"test-client\"");
		assertNoSecretAtRest(issued.code(), issued.accessToken(), issued.refreshToken(), issued.idToken());
		assertEverythingExpires();

		TokenResponse refreshed = client.refresh(issued.refreshToken());
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.refreshToken()).isNotEqualTo(issued.refreshToken());
		List<String> afterRefresh = recordKeys();
		assertThat(afterRefresh).hasSize(1).doesNotContainAnyElementsOf(afterCode);
		assertNoSecretAtRest(refreshed.accessToken(), refreshed.refreshToken(), refreshed.idToken());
		assertThat(client.introspect(refreshed.accessToken()).get("active").asBoolean()).isTrue();

		assertThat(client.revoke(refreshed.refreshToken(), "refresh_token").status()).isEqualTo(200);
		assertThat(recordKeys()).isEmpty();
		assertThat(client.refresh(refreshed.refreshToken()).error()).isEqualTo("invalid_grant");
		assertThat(client.introspect(refreshed.accessToken()).get("active").asBoolean()).isFalse();
		assertThat(client.revoke(refreshed.refreshToken(), "refresh_token").status()).isEqualTo(200);
	}

	/**
	 * Reuse detection as an operator sees it: the event names user, client and the replayed token's jti, the WARN
	 * line names the jti (and no token or digest), the counter of revoked tokens by cause counts the current token.
	 */
	@Test
	void refreshWhenRotatedOutTokenReplayedThenWholeGrantRevoked(CapturedOutput output) {
		OAuth2HttpClient client = client();
		TokenResponse issued = client.authorizationCodeFlow("user", "password", "openid read");
		TokenResponse refreshed = client.refresh(issued.refreshToken());
		assertThat(refreshed.status()).isEqualTo(200);
		double revokedForReuse = revokedForReuse();
		double reuseDetected = reuseDetected();
		assertThat(this.revokedEvents.all()).isEmpty();
		TokenResponse replayed = client.refresh(issued.refreshToken());
		assertThat(replayed.status()).isEqualTo(400);
		assertThat(replayed.error()).isEqualTo("invalid_grant");
		assertThat(client.refresh(refreshed.refreshToken()).error()).isEqualTo("invalid_grant");
		assertThat(client.introspect(refreshed.accessToken()).get("active").asBoolean()).isFalse();
		assertThat(recordKeys()).isEmpty();

		String replayedJti = jtiOf(issued.refreshToken());
		RefreshTokenRevokedEvent event = this.revokedEvents.all().get(0);
		assertThat(this.revokedEvents.all()).as("one event for the one revocation").hasSize(1);
		assertThat(event.getCause()).isEqualTo(RevocationCause.REUSE);
		assertThat(event.getUserId()).isEqualTo("user");
		assertThat(event.getReuse()).isNotNull();
		assertThat(event.getReuse().jti()).isEqualTo(replayedJti);
		assertThat(event.getReuse().clientId()).isEqualTo("test-client");
		assertThat(event.getJtis()).as("the current token, revoked with the grant")
			.containsExactly(jtiOf(refreshed.refreshToken()));
		assertThat(event.getRecords()).singleElement().satisfies((record) -> {
			assertThat(record.userId()).isEqualTo("user");
			assertThat(record.clientId()).isEqualTo("test-client");
		});

		List<String> warnings = output.getAll()
			.lines()
			.filter((line) -> line.contains("Refresh token reuse detected"))
			.toList();
		assertThat(warnings).singleElement()
			.satisfies((line) -> assertThat(line).contains(" WARN ",
					"Refresh token reuse detected for user user... (client test-client, authorization "
							+ event.getReuse().authorizationId() + ", jti " + replayedJti + "); grant revoked"));
		TokenDigester digester = TokenDigester.sha256();
		for (String secret : List.of(issued.refreshToken(), refreshed.refreshToken(), refreshed.accessToken())) {
			assertThat(output.getAll()).doesNotContain(secret, digester.digest(secret));
		}

		assertThat(revokedForReuse()).as("sas.redis.refresh_tokens.revoked{cause=reuse}")
			.isEqualTo(revokedForReuse + 1);
		assertThat(reuseDetected()).as("sas.redis.refresh_tokens.reuse_detected").isEqualTo(reuseDetected + 1);
	}

	private double reuseDetected() {
		return this.meterRegistry.get(RefreshTokenRevocationMetrics.REUSE_DETECTED).counter().count();
	}

	private double revokedForReuse() {
		return this.meterRegistry.get(RefreshTokenRevocationMetrics.REVOKED).tag("cause", "reuse").counter().count();
	}

	private static String jtiOf(String refreshToken) {
		TokenDigester digester = TokenDigester.sha256();
		return digester.jti(digester.digest(refreshToken));
	}

	@Test
	void refreshWhenRecordDeletedWithRedisCliThenInvalidGrant() {
		OAuth2HttpClient client = client();
		TokenResponse issued = client.authorizationCodeFlow("user", "password", "openid read");
		assertThat(this.redis.del(recordKeys().toArray(String[]::new))).isEqualTo(1);
		TokenResponse refused = client.refresh(issued.refreshToken());
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.error()).isEqualTo("invalid_grant");
	}

}
