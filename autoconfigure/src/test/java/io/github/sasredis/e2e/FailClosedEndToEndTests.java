package io.github.sasredis.e2e;

import java.time.Duration;
import java.time.Instant;

import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.Response;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import io.github.sasredis.test.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails closed, recovers by itself: with the tests' own redis-server stopped or hung, the token endpoint issues
 * nothing and answers 503 with an OAuth2 error body, health is DOWN; once Redis is back (with its data) the same
 * refresh token works again without a restart.
 */
@SpringBootTest(classes = AuthorizationServerEndToEndTests.TestAuthorizationServer.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s",
				"management.endpoints.web.exposure.include=health" })
@TestPropertySource(locations = AuthorizationServerEndToEndTests.SERVER_PROPERTIES)
class FailClosedEndToEndTests {

	private static final RedisServerProcess redis = RedisServerProcess.start();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redis::uri);
	}

	@AfterAll
	static void stopRedis() {
		redis.stop();
	}

	private OAuth2HttpClient client() {
		return new OAuth2HttpClient("http://localhost:" + this.port, "test-client", "test-secret",
				"http://127.0.0.1:8080/callback");
	}

	private static void assertUnavailable(Response response) {
		assertThat(response.status()).isEqualTo(503);
		assertThat(response.json().get("error").asString()).isEqualTo("temporarily_unavailable");
		assertThat(response.body()).doesNotContain("Exception", "\tat ", "access_token", "refresh_token");
	}

	private Response refreshRaw(OAuth2HttpClient client, String refreshToken) {
		return client.post("http://localhost:" + this.port + "/oauth2/token",
				"Basic dGVzdC1jbGllbnQ6dGVzdC1zZWNyZXQ=",
				java.util.Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
	}

	private Response health(OAuth2HttpClient client) {
		return client.get("http://localhost:" + this.port + "/actuator/health", "application/json", null);
	}

	private TokenResponse refreshWhenBack(OAuth2HttpClient client, String refreshToken) {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
		Response response = refreshRaw(client, refreshToken);
		while (response.status() == 503 && Instant.now().isBefore(deadline)) {
			sleep(200);
			response = refreshRaw(client, refreshToken);
		}
		return new TokenResponse(response.status(), response.json(), null);
	}

	@Test
	void tokenEndpointWhenRedisStoppedThen503AndWhenBackThenServesSavedTokens() {
		OAuth2HttpClient client = client();
		TokenResponse issued = client.authorizationCodeFlow("user", "password", "openid read");
		assertThat(health(client).status()).isEqualTo(200);

		redis.stopKeepingData();
		assertUnavailable(refreshRaw(client, issued.refreshToken()));
		assertUnavailable(client.revoke(issued.refreshToken(), "refresh_token"));
		Response health = health(client);
		assertThat(health.status()).isEqualTo(503);
		assertThat(health.json().get("status").asString()).isEqualTo("DOWN");

		redis.startKeepingData();
		TokenResponse refreshed = refreshWhenBack(client, issued.refreshToken());
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.refreshToken()).isNotBlank();
		assertThat(health(client).status()).isEqualTo(200);

		redis.pause();
		try {
			Instant start = Instant.now();
			assertUnavailable(refreshRaw(client, refreshed.refreshToken()));
			assertThat(Duration.between(start, Instant.now())).as("a hung Redis does not hold the request")
				.isLessThan(Duration.ofSeconds(15));
		}
		finally {
			redis.resume();
		}
		TokenResponse again = refreshWhenBack(client, refreshed.refreshToken());
		assertThat(again.status()).isEqualTo(200);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
