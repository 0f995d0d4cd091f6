package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * the rotation's less the find's. The server's timer ({@code serverCron}) is left out of both runs' totals where
 * {@code callgrind_annotate} gives its inclusive cost: it runs 10 times a second whatever the load, and under
 * valgrind the longer run lasts seconds longer, so it would read as about 10 % of each operation.
 */
final class RedisInstructions {

	static final int SHORT = 500;

	static final int LONG = 1500;

	/** A line of callgrind_annotate naming serverCron itself (not a recursion copy such as serverCron'2). */
	private static final Pattern SERVER_CRON = Pattern.compile("(?m)^\\s*([0-9,]+) \\([^)]*\\)\\s+\\S*:serverCron \\[");

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
		long[] rotateShort = run(redis, work, false, SHORT);
		long[] rotateLong = run(redis, work, false, LONG);
		long[] findShort = run(redis, work, true, SHORT);
		long[] findLong = run(redis, work, true, LONG);
		boolean timerCounted = rotateShort[1] >= 0 && rotateLong[1] >= 0 && findShort[1] >= 0 && findLong[1] >= 0;
		// the server's timer (serverCron, 10 times a second whatever the load) runs for as long as the run lasts, and
		// under valgrind a run lasts about 50 times longer than it would: left in, it reads as part of each operation
		int timer = timerCounted ? 1 : 0;
		double perRotation = perOperation(rotateLong, rotateShort, timer);
		double perFind = perOperation(findLong, findShort, timer);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("rotate", Math.round(perRotation));
		result.put("findByToken", Math.round(perFind));
		result.put("save", Math.round(perRotation - perFind));
		if (timerCounted) {
			result.put("timerExcluded", true);
			result.put("rotateWithTimer", Math.round(perOperation(rotateLong, rotateShort, 0)));
		}
		result.put("redisServer", redis.toString());
		result.put("method", "callgrind Ir of redis-server, (" + LONG + " operations - " + SHORT + ") / "
				+ (LONG - SHORT) + ", one thread, after 64 saves"
				+ (timerCounted ? ", less the instructions of its timer (serverCron, inclusive)"
						: ", its timer included (callgrind_annotate did not give serverCron's share)"));
		log.accept("redis-server instructions per operation: " + result);
		return result;
	}

	/** Instructions per operation: the difference of two runs' totals (less their timer's when {@code timer} is 1). */
	private static double perOperation(long[] longRun, long[] shortRun, int timer) {
		return ((longRun[0] - timer * longRun[1]) - (shortRun[0] - timer * shortRun[1])) / (double) (LONG - SHORT);
	}

	/**
	 * The instructions redis-server's timer executed, from callgrind_annotate's inclusive cost of {@code serverCron},
	 * or -1 when it does not tell.
	 */
	private static long timerInstructions(Path out) {
		try {
			Process process = new ProcessBuilder("callgrind_annotate", "--inclusive=yes", "--threshold=100",
					out.toAbsolutePath().toString())
				.redirectErrorStream(true)
				.start();
			String annotated = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.waitFor() != 0) {
				return -1;
			}
			Matcher matcher = SERVER_CRON.matcher(annotated);
			return matcher.find() ? Long.parseLong(matcher.group(1).replace(",", "")) : -1;
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/**
	 * @return the instructions redis-server executed in all, and those of its timer (-1 when not known)
	 */
	private static long[] run(Path redis, Path work, boolean findOnly, int operations) throws Exception {
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
					return new long[] { instructions, timerInstructions(out) };
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
