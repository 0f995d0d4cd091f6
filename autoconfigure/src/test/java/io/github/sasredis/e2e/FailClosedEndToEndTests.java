package io.github.sasredis.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.sasredis.actuate.metrics.MicrometerStoreOperationListener;
import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.AuthorizationCode;
import io.github.sasredis.test.OAuth2HttpClient.Response;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import io.github.sasredis.test.RedisServerProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails closed, recovers by itself: with the tests' own redis-server stopped or hung, the token endpoint (refresh,
 * authorization code, client credentials), revocation and introspection issue nothing and answer 503 with an OAuth2
 * error body and {@code Retry-After}, health is DOWN and the store's timer counts the errors; once Redis is back
 * (with its data) the same refresh token and a code obtained before the outage work again without a restart.
 */
@SpringBootTest(classes = AuthorizationServerEndToEndTests.TestAuthorizationServer.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s",
				"management.endpoints.web.exposure.include=health",
				"spring.security.oauth2.authorizationserver.client.test.registration.authorization-grant-types="
						+ "authorization_code,refresh_token,client_credentials" })
@TestPropertySource(locations = AuthorizationServerEndToEndTests.SERVER_PROPERTIES)
@ExtendWith(OutputCaptureExtension.class)
class FailClosedEndToEndTests {

	private static final RedisServerProcess redis = RedisServerProcess.start();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meterRegistry;

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

	private static void assertUnavailable(String what, Response response) {
		assertThat(response.status()).as("%s: status", what).isEqualTo(503);
		assertThat(response.header("Content-Type")).as("%s: content type", what).startsWith("application/json");
		assertThat(response.json().get("error").asString()).as("%s: error", what).isEqualTo("temporarily_unavailable");
		assertThat(response.header("Retry-After")).as("%s: Retry-After", what).isEqualTo("1");
		assertThat(response.body()).as("%s: body", what)
			.doesNotContain("Exception", "\tat ", "access_token", "refresh_token", "id_token", "active");
	}

	private Response refreshRaw(OAuth2HttpClient client, String refreshToken) {
		return client.post(tokenEndpoint(), client.basicAuthorization(),
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
	}

	private Response clientCredentialsRaw(OAuth2HttpClient client) {
		return client.post(tokenEndpoint(), client.basicAuthorization(),
				Map.of("grant_type", "client_credentials", "scope", "read"));
	}

	private Response introspectRaw(OAuth2HttpClient client, String token) {
		return client.post("http://localhost:" + this.port + "/oauth2/introspect", client.basicAuthorization(),
				Map.of("token", token));
	}

	private String tokenEndpoint() {
		return "http://localhost:" + this.port + "/oauth2/token";
	}

	private Response health(OAuth2HttpClient client) {
		return client.get("http://localhost:" + this.port + "/actuator/health", "application/json", null);
	}

	private static void assertDown(Response health) {
		assertThat(health.status()).isEqualTo(503);
		assertThat(health.json().get("status").asString()).isEqualTo("DOWN");
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

	/**
	 * Returns how many store operations of the given kind the {@code sas.redis.operations} timer recorded as
	 * failed because Redis could not be reached.
	 */
	private long storeErrors(String operation) {
		return this.meterRegistry.find(MicrometerStoreOperationListener.OPERATIONS)
			.tags("operation", operation, "outcome", "error", "exception", "AuthorizationStoreUnavailableException")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	@Test
	void tokenEndpointWhenRedisStoppedThen503AndWhenBackThenServesSavedTokens(CapturedOutput output) {
		OAuth2HttpClient client = client();
		TokenResponse issued = client.authorizationCodeFlow("user", "password", "openid read");
		AuthorizationCode pendingCode = client.authorizationCode("user", "password", "openid read");
		assertThat(client.clientCredentials("read").status()).as("client credentials while Redis is up")
			.isEqualTo(200);
		assertThat(health(client).status()).isEqualTo(200);
		long findErrors = storeErrors("findByToken");
		long saveErrors = storeErrors("save");

		redis.stopKeepingData();
		assertUnavailable("refresh", refreshRaw(client, issued.refreshToken()));
		assertUnavailable("revoke", client.revoke(issued.refreshToken(), "refresh_token"));
		assertUnavailable("introspect", introspectRaw(client, issued.accessToken()));
		assertUnavailable("client credentials", clientCredentialsRaw(client));
		assertUnavailable("authorization code", client.exchange(pendingCode));
		assertDown(health(client));
		assertThat(storeErrors("findByToken")).as("findByToken errors: refresh, revoke, introspect, code")
			.isGreaterThanOrEqualTo(findErrors + 4);
		assertThat(storeErrors("save")).as("save errors: client credentials").isGreaterThanOrEqualTo(saveErrors + 1);

		redis.startKeepingData();
		TokenResponse refreshed = refreshWhenBack(client, issued.refreshToken());
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.refreshToken()).isNotBlank();
		Response exchanged = client.exchange(pendingCode);
		assertThat(exchanged.status()).as("the code obtained before the outage").isEqualTo(200);
		assertThat(exchanged.json().get("access_token").asString()).isNotBlank();
		assertThat(client.clientCredentials("read").status()).isEqualTo(200);
		assertThat(health(client).status()).isEqualTo(200);

		long pausedErrors = storeErrors("findByToken");
		redis.pause();
		try {
			Instant start = Instant.now();
			assertUnavailable("refresh (Redis hung)", refreshRaw(client, refreshed.refreshToken()));
			assertThat(Duration.between(start, Instant.now())).as("a hung Redis does not hold the request")
				.isLessThan(Duration.ofSeconds(15));
			assertUnavailable("introspect (Redis hung)", introspectRaw(client, refreshed.accessToken()));
			assertDown(health(client));
			assertThat(storeErrors("findByToken")).isGreaterThanOrEqualTo(pausedErrors + 2);
		}
		finally {
			redis.resume();
		}
		TokenResponse again = refreshWhenBack(client, refreshed.refreshToken());
		assertThat(again.status()).isEqualTo(200);

		List<String> warnings = output.getAll()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("cannot reach Redis"))
			.toList();
		assertThat(warnings).as("one WARN per 10 s while Redis is down, not one per failed request (7 or more)")
			.hasSizeBetween(1, 3);
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
