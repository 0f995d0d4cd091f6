package io.github.sasredis.test;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Exercises the failure simulations of {@link RedisServerProcess} on processes of its
 * own (never the shared one).
 */
class RedisServerProcessTests {

	private RedisServerProcess server;

	@AfterEach
	void tearDown() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void startsWithoutPersistenceOutsideTheWorkingDirectory() throws Exception {
		this.server = RedisServerProcess.start();
		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.uri()).isEqualTo("redis://127.0.0.1:" + this.server.port());
		assertThat(this.server.directory()).startsWith(Path.of(System.getProperty("java.io.tmpdir")));
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", this.server.port())) {
			assertThat(client.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
			assertThat(client.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "no"));
			assertThat(client.command("CONFIG", "GET", "dir"))
				.isEqualTo(List.of("dir", this.server.directory().toRealPath().toString()));
		}
		assertThat(this.server.logTail()).contains("Ready to accept connections");
	}

	@Test
	void restartKeepingDataKeepsDataAndRestartLosesIt() {
		this.server = RedisServerProcess.start();
		int port = this.server.port();
		long pid = this.server.pid();
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", port)) {
			client.command("SET", "k", "v");
		}
		this.server.restartKeepingData();
		assertThat(this.server.port()).isEqualTo(port);
		assertThat(this.server.pid()).isNotEqualTo(pid);
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", port)) {
			assertThat(client.get("k")).isEqualTo("v");
		}
		this.server.restart();
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", port)) {
			assertThat(client.exists("k")).isFalse();
		}
	}

	@Test
	void pauseMakesCommandsTimeOutAndResumeAnswersAgain() {
		this.server = RedisServerProcess.start();
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", this.server.port(), 500)) {
			client.command("SET", "k", "v");
			this.server.pause();
			assertThat(this.server.isPaused()).isTrue();
			assertThat(this.server.isRunning()).isTrue();
			long start = System.nanoTime();
			assertThatThrownBy(() -> client.command("GET", "k")).isInstanceOf(UncheckedIOException.class)
				.hasCauseInstanceOf(SocketTimeoutException.class);
			assertThat((System.nanoTime() - start) / 1_000_000).isBetween(400L, 5_000L);
			this.server.resume();
			assertThat(this.server.isPaused()).isFalse();
			// the client reconnected: the late reply of the timed out GET is not mixed up
			assertThat(client.command("PING")).isEqualTo("PONG");
			assertThat(client.get("k")).isEqualTo("v");
		}
	}

	@Test
	void stopRefusesConnectionsAndRestartUsesTheSamePort() throws Exception {
		this.server = RedisServerProcess.start();
		int port = this.server.port();
		this.server.stop();
		assertThat(this.server.isRunning()).isFalse();
		assertThat(this.server.pid()).isEqualTo(-1);
		assertThatThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			}
		}).isInstanceOf(ConnectException.class);
		assertThatThrownBy(() -> new RedisTestClient("127.0.0.1", port)).isInstanceOf(UncheckedIOException.class)
			.hasCauseInstanceOf(ConnectException.class);
		this.server.restart();
		assertThat(this.server.port()).isEqualTo(port);
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", port)) {
			assertThat(client.ping()).isEqualTo("PONG");
		}
	}

	@Test
	void stopWhilePausedKillsTheProcess() {
		this.server = RedisServerProcess.start();
		this.server.pause();
		this.server.stop();
		assertThat(this.server.isRunning()).isFalse();
		assertThat(this.server.isPaused()).isFalse();
	}

	@Test
	void embeddedRedisBinaryWorksAsFallback() {
		Path binary = RedisServerProcess.embeddedExecutable();
		assertThat(Files.isExecutable(binary)).isTrue();
		this.server = RedisServerProcess.start(binary);
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", this.server.port())) {
			assertThat(client.info("server")).contains("redis_version:");
			client.command("SET", "k", "v");
		}
		this.server.restartKeepingData();
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", this.server.port())) {
			assertThat(client.get("k")).isEqualTo("v");
		}
	}

	@Test
	void startFailureReportsTheServerOutput() {
		Path notRedis = Path.of("/bin/false");
		assertThatThrownBy(() -> RedisServerProcess.start(notRedis)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("exited with code");
	}

}
