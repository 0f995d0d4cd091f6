package io.github.sasredis.demo;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.sasredis.demo.DemoClient.Tokens;
import io.github.sasredis.demo.redis.EmbeddedRedis;
import io.github.sasredis.test.RedisTestClient;
import io.github.sasredis.test.SharedRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as its users meet it, over real HTTP on a real port and a real Redis: a browser login with the
 * authorization code flow and PKCE, refresh with rotation, revocation, introspection, and the operator's actuator
 * endpoint with its 401/403 answers.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class DemoServerEndToEndTests {

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", SharedRedis::uri);
	}

	@LocalServerPort
	int port;

	@Autowired
	ConfigurableApplicationContext context;

	DemoClient client;

	@BeforeEach
	void client() {
		this.client = new DemoClient(this.port);
	}

	@Test
	void authorizationCodeWhenLoggedInWithPkceThenIssuesTokensWithoutConsent() {
		Tokens tokens = this.client.authorizationCodeFlow("user", "password");

		assertThat(tokens.accessToken()).isNotBlank();
		assertThat(tokens.refreshToken()).isNotBlank();
		assertThat(tokens.idToken()).as("openid scope gives an ID token").isNotBlank();
		assertThat(tokens.expiresIn()).isBetween(290L, 300L);
	}

	@Test
	void authorizationCodeWhenCodeVerifierWrongThenInvalidGrant() {
		String code = this.client.authorizationCode("user", "password",
				DemoClient.codeChallenge(DemoClient.newCodeVerifier()));

		assertInvalidGrant(this.client.exchangeCode(code, DemoClient.newCodeVerifier()));
	}

	@Test
	void authorizationCodeWhenChallengeSentAndVerifierMissingThenInvalidGrant() {
		String code = this.client.authorizationCode("user", "password",
				DemoClient.codeChallenge(DemoClient.newCodeVerifier()));

		assertInvalidGrant(this.client.exchangeCode(code, null));
	}

	@Test
	void authorizationCodeWhenNoChallengeSentThenExchangedWithoutVerifier() {
		// require-proof-key: false, so PKCE is accepted (and then enforced for that code), not required
		String code = this.client.authorizationCode("user", "password", null);

		Tokens tokens = Tokens.of(this.client.exchangeCode(code, null));

		assertThat(tokens.refreshToken()).isNotBlank();
	}

	@Test
	void refreshTokenWhenIssuedThenLivesEightHoursAndRecordExpiresWithIt() {
		List<String> before = this.client.refreshTokenJtis("user");
		this.client.authorizationCodeFlow("user", "password");

		Map<String, Object> entry = newEntry(before, this.client.listRefreshTokens("user"));

		Instant createdAt = Instant.parse((String) entry.get("created_at"));
		Instant expiresAt = Instant.parse((String) entry.get("expires_at"));
		assertThat(Duration.between(createdAt, expiresAt)).isEqualTo(Duration.ofHours(8));
		try (RedisTestClient redis = RedisTestClient.shared()) {
			long ttl = redis.ttl("refresh_token:user:" + entry.get("jti"));
			long expected = Duration.ofHours(8).plusSeconds(60).toSeconds();
			assertThat(ttl).as("record TTL: lifetime + 60 s grace").isBetween(expected - 2, expected);
		}
	}

	@Test
	void authorizationCodeWhenIssuedThenRedisHoldsRecordButNoTokenValue() {
		Tokens tokens = this.client.authorizationCodeFlow("user", "password");

		try (RedisTestClient redis = RedisTestClient.shared()) {
			List<String> keys = redis.scanAllKeys();
			assertThat(keys).anyMatch((key) -> key.startsWith("refresh_token:user:"));
			String dump = redis.dumpAllKeysAndValues();
			assertThat(dump.contains(tokens.refreshToken())).as("refresh token value stored in Redis").isFalse();
			assertThat(dump.contains(tokens.accessToken())).as("access token value stored in Redis").isFalse();
		}
	}

	@Test
	void refreshWhenRotatedThenOldTokenRefused() {
		Tokens first = this.client.authorizationCodeFlow("user", "password");

		Tokens second = Tokens.of(this.client.refresh(first.refreshToken()));
		assertThat(second.refreshToken()).isNotBlank().isNotEqualTo(first.refreshToken());
		assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
		Tokens third = Tokens.of(this.client.refresh(second.refreshToken()));
		assertThat(third.refreshToken()).isNotEqualTo(second.refreshToken());

		assertInvalidGrant(this.client.refresh(first.refreshToken()));
		assertThat(this.client.introspect(first.accessToken())).containsEntry("active", false);
	}

	@Test
	void refreshWhenRotatedOutTokenPresentedAgainThenWholeGrantRevoked(CapturedOutput output) {
		Tokens first = this.client.authorizationCodeFlow("user", "password");
		Tokens second = Tokens.of(this.client.refresh(first.refreshToken()));

		assertInvalidGrant(this.client.refresh(first.refreshToken()));

		// RFC 9700: the store cannot tell the client from a thief, so the newest refresh token dies too.
		assertInvalidGrant(this.client.refresh(second.refreshToken()));
		assertThat(this.client.introspect(second.accessToken())).containsEntry("active", false);
		assertNotLogged(output, first, second);
	}

	@Test
	void revokeWhenRefreshTokenRevokedThenRefusedAndAccessTokenInactive() {
		Tokens tokens = this.client.authorizationCodeFlow("user", "password");
		Map<String, Object> before = this.client.introspect(tokens.accessToken());
		assertThat(before).containsEntry("active", true)
			.containsEntry("client_id", DemoClient.CLIENT_ID)
			.containsEntry("sub", "user");

		HttpResponse<String> revoked = this.client.revoke(tokens.refreshToken(), "refresh_token");
		assertThat(revoked.statusCode()).isEqualTo(200);

		assertThat(this.client.introspect(tokens.accessToken())).containsEntry("active", false);
		assertThat(this.client.introspect(tokens.refreshToken())).containsEntry("active", false);
		assertInvalidGrant(this.client.refresh(tokens.refreshToken()));
	}

	@Test
	void revokeWhenTokenUnknownThenOk() {
		assertThat(this.client.revoke("not-a-token", "refresh_token").statusCode()).isEqualTo(200);
	}

	@Test
	void clientCredentialsWhenRequestedThenAccessTokenWithoutRefreshToken() {
		Tokens tokens = Tokens
			.of(this.client.tokenRequest(Map.of("grant_type", "client_credentials", "scope", "read")));

		assertThat(tokens.accessToken()).isNotBlank();
		assertThat(tokens.refreshToken()).isNull();
		assertThat(this.client.introspect(tokens.accessToken())).containsEntry("active", true);
	}

	@Test
	void actuatorListWhenOpsThenShowsJtiWithoutTokenValue() {
		List<String> before = this.client.refreshTokenJtis("user");
		Tokens tokens = this.client.authorizationCodeFlow("user", "password");

		HttpResponse<String> response = this.client.basic("GET", "/actuator/refreshtokens/user", "ops",
				"ops-password");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body().contains(tokens.refreshToken())).as("refresh token value in the listing").isFalse();
		assertThat(response.body().contains(tokens.accessToken())).as("access token value in the listing").isFalse();
		Map<String, Object> entry = newEntry(before, this.client.listRefreshTokens("user"));
		assertThat(entry).containsEntry("client_id", DemoClient.CLIENT_ID)
			.containsKeys("created_at", "expires_at", "authorization_id");
		String jti = (String) entry.get("jti");
		assertThat(jti).isNotBlank().isNotEqualTo(tokens.refreshToken());
		try (RedisTestClient redis = RedisTestClient.shared()) {
			assertThat(redis.exists("refresh_token:user:" + jti)).isTrue();
		}
	}

	@Test
	void actuatorRevokeWhenOpsRevokesJtiThenRefreshTokenRefused() {
		List<String> before = this.client.refreshTokenJtis("user");
		Tokens tokens = this.client.authorizationCodeFlow("user", "password");
		String jti = (String) newEntry(before, this.client.listRefreshTokens("user")).get("jti");

		HttpResponse<String> revoked = this.client.basic("DELETE", "/actuator/refreshtokens/user/" + jti, "ops",
				"ops-password");

		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(DemoClient.parse(revoked.body())).containsEntry("revoked", 1);
		assertInvalidGrant(this.client.refresh(tokens.refreshToken()));
		assertThat(this.client.introspect(tokens.accessToken())).containsEntry("active", false);
		assertThat(this.client.refreshTokenJtis("user")).doesNotContain(jti);
	}

	@Test
	void actuatorRevokeWhenJtiUnknownThenNotFound() {
		HttpResponse<String> response = this.client.basic("DELETE", "/actuator/refreshtokens/user/no-such-jti", "ops",
				"ops-password");

		assertThat(response.statusCode()).isEqualTo(404);
	}

	@Test
	void actuatorRevokeAllWhenOpsThenEveryTokenOfUserRefused() {
		Tokens first = this.client.authorizationCodeFlow("alice", "password");
		Tokens second = this.client.authorizationCodeFlow("alice", "password");

		HttpResponse<String> revoked = this.client.basic("DELETE", "/actuator/refreshtokens/alice", "ops",
				"ops-password");

		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(((Number) DemoClient.parse(revoked.body()).get("revoked")).intValue()).isGreaterThanOrEqualTo(2);
		assertInvalidGrant(this.client.refresh(first.refreshToken()));
		assertInvalidGrant(this.client.refresh(second.refreshToken()));
		assertThat(this.client.refreshTokenJtis("alice")).isEmpty();
	}

	@Test
	void actuatorWhenAnonymousThenUnauthorizedWithoutRedirect() {
		for (String method : List.of("GET", "DELETE")) {
			HttpResponse<String> response = this.client.anonymous(method, "/actuator/refreshtokens/user");

			assertThat(response.statusCode()).as(method).isEqualTo(401);
			assertThat(response.headers().firstValue("Location")).as(method).isEmpty();
			assertThat(response.headers().firstValue("WWW-Authenticate")).as(method).hasValueSatisfying(
					(value) -> assertThat(value).startsWith("Basic"));
		}
	}

	@Test
	void actuatorWhenWrongPasswordThenUnauthorized() {
		HttpResponse<String> response = this.client.basic("GET", "/actuator/refreshtokens/user", "ops", "wrong");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Location")).isEmpty();
	}

	@Test
	void actuatorWhenUserWithoutOpsRoleThenForbidden() {
		for (String method : List.of("GET", "DELETE")) {
			HttpResponse<String> response = this.client.basic(method, "/actuator/refreshtokens/user", "user",
					"password");

			assertThat(response.statusCode()).as(method).isEqualTo(403);
			assertThat(response.headers().firstValue("Location")).as(method).isEmpty();
			assertThat(response.headers().firstValue("Content-Type")).as(method)
				.hasValueSatisfying((value) -> assertThat(value).startsWith("application/json"));
		}
	}

	@Test
	void healthWhenAnonymousThenUp() {
		HttpResponse<String> response = this.client.anonymous("GET", "/actuator/health");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(DemoClient.parse(response.body())).containsEntry("status", "UP");
	}

	@Test
	void infoWhenAnonymousThenOk() {
		HttpResponse<String> response = this.client.anonymous("GET", "/actuator/info");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((value) -> assertThat(value).contains("json"));
		assertThat(DemoClient.parse(response.body())).isNotNull();
	}

	@Test
	void authorizeWhenNotLoggedInAndNotBrowserThenNoLoginPage() {
		HttpResponse<String> response = this.client.anonymous("GET",
				"/oauth2/authorize?response_type=code&client_id=demo-client&scope=read");

		assertThat(response.statusCode()).isEqualTo(401);
	}

	@Test
	void openidConfigurationWhenRequestedThenIssuerIsConfiguredOne() {
		HttpResponse<String> response = this.client.anonymous("GET", "/.well-known/openid-configuration");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(DemoClient.parse(response.body())).containsEntry("issuer", "http://localhost:9000")
			.containsKeys("introspection_endpoint", "revocation_endpoint", "userinfo_endpoint");
	}

	@Test
	void embeddedRedisWhenRedisConfiguredThenNotStarted() {
		assertThat(this.context.getBeansOfType(EmbeddedRedis.class)).isEmpty();
		assertThat(this.context.getEnvironment().getPropertySources().contains("demoRedis")).isFalse();
	}

	private static Map<String, Object> newEntry(List<String> jtisBefore, List<Map<String, Object>> after) {
		List<Map<String, Object>> added = new ArrayList<>(after);
		added.removeIf((entry) -> jtisBefore.contains(entry.get("jti")));
		assertThat(added).as("refresh tokens added by one login").hasSize(1);
		return added.get(0);
	}

	static void assertNotLogged(CapturedOutput output, Tokens... tokens) {
		String logged = output.getAll();
		for (Tokens token : tokens) {
			for (String value : new String[] { token.accessToken(), token.refreshToken(), token.idToken() }) {
				assertThat(value != null && logged.contains(value)).as("a token value was logged").isFalse();
			}
		}
	}

	static void assertInvalidGrant(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("refresh answer: %s", response.body()).isEqualTo(400);
		assertThat(DemoClient.parse(response.body())).containsEntry("error", "invalid_grant");
	}

}
