package io.github.sasredis.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.sasredis.demo.DemoClient.Tokens;
import io.github.sasredis.demo.redis.EmbeddedRedis;
import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.test.RedisTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo started with no Redis configured and none answering on the probed port (pointed at a closed one, since
 * this machine may run a Redis on 6379): it starts its own embedded, in-memory Redis, says so once, and keeps its
 * tokens there.
 * <p>
 * The same application also shows that the demo's defaults change by property alone, without code: it is started
 * with command-line arguments, as a user would run it, that change the token lifetimes, the users and the access to
 * the {@code refreshtokens} endpoint. Sharing this context saves starting another one.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, args = {
		EmbeddedRedisFallbackTests.TOKEN + "access-token-time-to-live=10m",
		EmbeddedRedisFallbackTests.TOKEN + "refresh-token-time-to-live=2h",
		// one property changes one user; the others keep their defaults
		"--demo.users.ops.password=" + EmbeddedRedisFallbackTests.OPS_PASSWORD, "--demo.users.alice.enabled=false",
		"--demo.users[jane_doe].password=jane-password",
		"--management.endpoint.refreshtokens.access=read-only" })
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedRedisFallbackTests {

	static final String TOKEN = "--spring.security.oauth2.authorizationserver.client.demo-client.token.";

	static final String OPS_PASSWORD = "changed-ops-password";

	@DynamicPropertySource
	static void noRedis(DynamicPropertyRegistry registry) {
		registry.add("demo.embedded-redis.probe-port", EmbeddedRedisFallbackTests::closedPort);
	}

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedRedis embeddedRedis;

	@Autowired
	Environment environment;

	@Test
	void refreshTokenWhenNoRedisConfiguredThenRecordedInEmbeddedRedis(CapturedOutput output) {
		assertThat(this.embeddedRedis.isRunning()).isTrue();
		assertThat(this.environment.getProperty("spring.data.redis.port", Integer.class))
			.isEqualTo(this.embeddedRedis.port());
		DemoClient client = new DemoClient(this.port);

		Tokens tokens = client.authorizationCodeFlow("user", "password");

		try (RedisTestClient redis = new RedisTestClient(EmbeddedRedis.HOST, this.embeddedRedis.port())) {
			List<String> keys = redis.scanAllKeys();
			assertThat(keys).anyMatch((key) -> key.startsWith("refresh_token:user:"));
		}
		Tokens refreshed = Tokens.of(client.refresh(tokens.refreshToken()));
		assertThat(refreshed.refreshToken()).isNotBlank();
		DemoServerEndToEndTests.assertNotLogged(output, tokens, refreshed);
	}

	@Test
	void embeddedRedisWhenStartedThenNothingPersisted() {
		try (RedisTestClient redis = new RedisTestClient(EmbeddedRedis.HOST, this.embeddedRedis.port())) {
			assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
			assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "no"));
		}
	}

	@Test
	void tokensWhenLifetimesChangedByPropertyThenIssuedWithThem() {
		DemoClient client = new DemoClient(this.port);

		Tokens tokens = client.authorizationCodeFlow("user", "password");

		assertThat(tokens.expiresIn()).isBetween(590L, 600L);
		assertThat(lifetime(client.introspect(tokens.accessToken()))).isEqualTo(Duration.ofMinutes(10));
		assertThat(lifetime(client.introspect(tokens.refreshToken()))).isEqualTo(Duration.ofHours(2));
	}

	@Test
	void actuatorWhenOpsPasswordChangedByPropertyThenOnlyNewPasswordAccepted() {
		DemoClient client = new DemoClient(this.port);

		assertThat(client.basic("GET", "/actuator/refreshtokens/user", "ops", OPS_PASSWORD).statusCode())
			.isEqualTo(200);
		assertThat(client.basic("GET", "/actuator/refreshtokens/user", "ops", "ops-password").statusCode())
			.isEqualTo(401);
	}

	@Test
	void usersWhenChangedByPropertyThenOneDroppedOneAddedOthersKept() {
		DemoClient client = new DemoClient(this.port);

		assertThat(client.basic("GET", "/actuator/refreshtokens/user", "alice", "password").statusCode())
			.as("alice dropped: unknown user").isEqualTo(401);
		assertThat(client.basic("GET", "/actuator/refreshtokens/user", "jane_doe", "jane-password").statusCode())
			.as("jane_doe added, with role USER only").isEqualTo(403);
		assertThat(client.authorizationCodeFlow("user", "password").refreshToken())
			.as("the users not named keep their defaults")
			.isNotBlank();
	}

	@Test
	void actuatorRevokeWhenAccessReadOnlyThenRefusedAndTokenKept() {
		DemoClient client = new DemoClient(this.port);
		Tokens tokens = client.authorizationCodeFlow("user", "password");

		HttpResponse<String> revokeAll = client.basic("DELETE", "/actuator/refreshtokens/user", "ops", OPS_PASSWORD);
		HttpResponse<String> revokeOne = client.basic("DELETE", "/actuator/refreshtokens/user/" + jtiOf(tokens),
				"ops", OPS_PASSWORD);

		// the path of all of a user's tokens also has a read operation (GET): the method is not allowed there
		assertThat(revokeAll.statusCode()).as("DELETE of all of a user's tokens").isEqualTo(405);
		// the path of one token has no read operation, so with read-only access it is not mapped at all
		assertThat(revokeOne.statusCode()).as("DELETE of one token").isEqualTo(404);
		assertThat(client.introspect(tokens.refreshToken())).containsEntry("active", true);
		assertThat(Tokens.of(client.refresh(tokens.refreshToken())).refreshToken()).isNotBlank();
	}

	@Test
	void startupWhenEmbeddedRedisStartedThenOneWarning(CapturedOutput output) {
		List<String> warnings = output.getOut()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("EmbeddedRedisInitializer"))
			.toList();

		assertThat(warnings).hasSize(1);
		assertThat(warnings.get(0)).contains("embedded, in-memory Redis on 127.0.0.1:" + this.embeddedRedis.port())
			.contains("tokens live only as long as this process");
	}

	private static Duration lifetime(Map<String, Object> introspection) {
		assertThat(introspection).containsEntry("active", true);
		long issuedAt = ((Number) introspection.get("iat")).longValue();
		long expiresAt = ((Number) introspection.get("exp")).longValue();
		return Duration.ofSeconds(expiresAt - issuedAt);
	}

	private static String jtiOf(Tokens tokens) {
		TokenDigester digester = TokenDigester.sha256();
		return digester.jti(digester.digest(tokens.refreshToken()));
	}

	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
