package io.github.sasredis.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import io.github.sasredis.demo.DemoClient.Tokens;
import io.github.sasredis.demo.redis.EmbeddedRedis;
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
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedRedisFallbackTests {

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
	void startupWhenEmbeddedRedisStartedThenOneWarning(CapturedOutput output) {
		List<String> warnings = output.getOut()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("EmbeddedRedisInitializer"))
			.toList();

		assertThat(warnings).hasSize(1);
		assertThat(warnings.get(0)).contains("embedded, in-memory Redis on 127.0.0.1:" + this.embeddedRedis.port())
			.contains("tokens live only as long as this process");
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
