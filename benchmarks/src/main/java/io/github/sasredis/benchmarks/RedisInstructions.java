package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.sasredis.test.RedisServerProcess;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * Instructions redis-server executes per operation of ours, counted by valgrind's callgrind: a count, repeatable for
 * the same binary and inputs whatever else the machine is doing, unlike a time. Each run starts redis-server under
 * callgrind, saves 64 grants from one thread and then does n operations; the difference between a run of
 * {@link #SHORT} and one of {@link #LONG} operations, divided by their difference, is the cost of one operation,
 * start-up and set-up cancelled out. A rotation is a {@code findByToken} and a {@code save}; the save's share is
 * the rotation's less the find's.
 */
final class RedisInstructions {

	static final int SHORT = 500;

	static final int LONG = 1500;

	private RedisInstructions() {
	}

	/**
	 * @return why the count cannot be made here, or {@code null}
	 */
	static String problem() {
		try {
			Process process = new ProcessBuilder("valgrind", "--version").redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return (process.waitFor() == 0) ? null : "valgrind --version failed";
		}
		catch (IOException | InterruptedException ex) {
			return "valgrind is not on the PATH (" + ex.getMessage() + ")";
		}
	}

	/**
	 * @return instructions per rotation, per findByToken and per save (the rotation's), and the binary
	 */
	static Map<String, Object> count(Path work, Consumer<String> log) throws Exception {
		Path redis = Stores.redisBinary();
		long rotateShort = run(redis, work, false, SHORT);
		long rotateLong = run(redis, work, false, LONG);
		long findShort = run(redis, work, true, SHORT);
		long findLong = run(redis, work, true, LONG);
		double perRotation = (rotateLong - rotateShort) / (double) (LONG - SHORT);
		double perFind = (findLong - findShort) / (double) (LONG - SHORT);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("rotate", Math.round(perRotation));
		result.put("findByToken", Math.round(perFind));
		result.put("save", Math.round(perRotation - perFind));
		result.put("redisServer", redis.toString());
		result.put("method", "callgrind Ir of redis-server, (" + LONG + " operations - " + SHORT + ") / "
				+ (LONG - SHORT) + ", one thread, after 64 saves");
		log.accept("redis-server instructions per operation: " + result);
		return result;
	}

	private static long run(Path redis, Path work, boolean findOnly, int operations) throws Exception {
		int port = freePort();
		Path out = Files.createTempFile(work, "callgrind-", ".out");
		Path dir = Files.createTempDirectory(work, "callgrind-redis-");
		List<String> command = new ArrayList<>(List.of("valgrind", "--tool=callgrind",
				"--callgrind-out-file=" + out.toAbsolutePath(), redis.toString(), "--port", Integer.toString(port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toAbsolutePath().toString()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(dir.resolve("valgrind.log").toFile())
			.start();
		// a harness stopped mid-count (Ctrl-C) leaves no redis-server under valgrind behind
		Thread stopper = new Thread(process::destroyForcibly, "callgrind-redis-stopper");
		Runtime.getRuntime().addShutdownHook(stopper);
		boolean counted = false;
		try {
			LettuceConnectionFactory factory = awaitStarted(port, process);
			try (Stores.Store store = Stores.redis(port, null)) {
				operate(store.service(), findOnly, operations);
			}
			finally {
				try {
					new StringRedisTemplate(factory).execute((org.springframework.data.redis.core.RedisCallback<Object>) (
							connection) -> {
						connection.serverCommands().shutdown();
						return null;
					});
				}
				catch (RuntimeException ex) {
					// the connection closes as the server shuts down
				}
				factory.destroy();
			}
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server under valgrind did not stop");
			}
			for (String line : Files.readAllLines(out)) {
				if (line.startsWith("summary:") || line.startsWith("totals:")) {
					long instructions = Long.parseLong(line.substring(line.indexOf(':') + 1).trim().split("\\s+")[0]);
					counted = true;
					return instructions;
				}
			}
			throw new IllegalStateException("no instruction count in " + out);
		}
		finally {
			process.destroyForcibly();
			Runtime.getRuntime().removeShutdownHook(stopper);
			Files.deleteIfExists(out);
			if (counted) {
				// the server's directory and valgrind's log are kept only when the count failed
				try (var paths = Files.walk(dir)) {
					for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
						Files.deleteIfExists(path);
					}
				}
			}
		}
	}

	private static void operate(OAuth2AuthorizationService service, boolean findOnly, int operations) {
		SplittableRandom random = new SplittableRandom(42);
		String[] refreshTokens = Rotations.seed(service, random);
		for (int i = 0; i < operations; i++) {
			Rotations.rotate(service, refreshTokens, i % refreshTokens.length, findOnly, random);
		}
	}

	private static LettuceConnectionFactory awaitStarted(int port, Process process) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (true) {
			LettuceConnectionFactory factory = Stores.connectionFactory(port);
			Long serverPid;
			try {
				serverPid = new StringRedisTemplate(factory).execute((org.springframework.data.redis.core.RedisCallback<Long>) (
						connection) -> Long.valueOf(connection.serverCommands().info("server").getProperty("process_id")));
			}
			catch (RuntimeException ex) {
				factory.destroy();
				if (!process.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException("redis-server under valgrind did not start", ex);
				}
				Thread.sleep(250);
				continue;
			}
			// the port was free when picked: make sure the server that answers is ours before it is ever shut down
			if (serverPid == null || serverPid != process.pid()) {
				factory.destroy();
				throw new IllegalStateException("another redis-server (pid " + serverPid + ") took port " + port
						+ " before the one under valgrind");
			}
			return factory;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
