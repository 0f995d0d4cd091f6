package io.github.sasredis.demo.redis;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sasredis.test.SharedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link EmbeddedRedisInitializer} chooses a Redis, on a bare application context: a configured Redis is used as
 * is, a Redis answering on the probed port is used, otherwise an embedded one is started and stopped with the
 * context.
 */
class EmbeddedRedisInitializerTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer(new EmbeddedRedisInitializer());

	@Test
	void initializeWhenNothingAnswersThenStartsEmbeddedRedisAndStopsItWithContext() {
		AtomicReference<EmbeddedRedis> started = new AtomicReference<>();
		this.runner.withPropertyValues("demo.embedded-redis.probe-port=" + closedPort()).run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedRedis.class);
			EmbeddedRedis redis = context.getBean(EmbeddedRedis.class);
			started.set(redis);
			assertThat(RedisProbe.ping(EmbeddedRedis.HOST, redis.port(), TIMEOUT)).isEqualTo(RedisProbe.Answer.PONG);
			assertThat(context.getEnvironment().getProperty("spring.data.redis.host")).isEqualTo(EmbeddedRedis.HOST);
			assertThat(context.getEnvironment().getProperty("spring.data.redis.port", Integer.class))
				.isEqualTo(redis.port());
		});
		assertThat(started.get().isRunning()).isFalse();
		assertThat(RedisProbe.ping(EmbeddedRedis.HOST, started.get().port(), TIMEOUT))
			.isEqualTo(RedisProbe.Answer.NOTHING);
	}

	@Test
	void initializeWhenRedisUrlConfiguredThenNeitherProbesNorStarts() {
		this.runner
			.withPropertyValues("spring.data.redis.url=" + SharedRedis.uri(),
					"demo.embedded-redis.probe-port=" + closedPort())
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedRedis.class);
				assertThat(context.getEnvironment().getPropertySources()
					.contains(EmbeddedRedisInitializer.PROPERTY_SOURCE_NAME)).isFalse();
			});
	}

	@Test
	void initializeWhenRedisHostConfiguredThenDoesNotStart() {
		this.runner.withPropertyValues("spring.data.redis.host=redis.example.com",
				"demo.embedded-redis.probe-port=" + closedPort())
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedRedis.class));
	}

	@Test
	void initializeWhenRedisClusterConfiguredThenDoesNotStart() {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes[0]=redis1.example.com:6379",
				"demo.embedded-redis.probe-port=" + closedPort())
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedRedis.class));
	}

	@Test
	void initializeWhenRedisAnswersOnProbedPortThenUsesIt() {
		this.runner
			.withPropertyValues("demo.embedded-redis.probe-host=" + SharedRedis.host(),
					"demo.embedded-redis.probe-port=" + SharedRedis.port())
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedRedis.class);
				assertThat(context.getEnvironment().getProperty("spring.data.redis.port", Integer.class))
					.isEqualTo(SharedRedis.port());
			});
	}

	@Test
	void initializeWhenDisabledAndNothingAnswersThenDoesNotStart() {
		this.runner
			.withPropertyValues("demo.embedded-redis.enabled=false", "demo.embedded-redis.probe-port=" + closedPort())
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedRedis.class));
	}

	@Test
	void probeWhenSomethingElseListensThenNotRedis() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread http = new Thread(() -> {
				try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
					out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				}
				catch (IOException ex) {
					// the probe gave up
				}
			});
			http.start();

			assertThat(RedisProbe.ping(InetAddress.getLoopbackAddress().getHostAddress(), server.getLocalPort(),
					TIMEOUT))
				.isEqualTo(RedisProbe.Answer.NOT_REDIS);
			http.join(1000);
		}
	}

	@Test
	void probeWhenRedisAnswersThenPong() {
		assertThat(RedisProbe.ping(SharedRedis.host(), SharedRedis.port(), TIMEOUT)).isEqualTo(RedisProbe.Answer.PONG);
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
