package io.github.sasredis.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis 8 server that the tests of hash-field lookups share ({@code HSETEX} needs Redis 8.0; the
 * {@code redis-server} the other tests use may be older). Its binary comes from {@code .ci/redis8.sh}: the one named
 * by {@code SAS_REDIS_TEST_REDIS8}, a {@code redis-server} 8 on the {@code PATH}, or one the script builds once from
 * Debian's source package. Started once per JVM on a free port, without persistence. When none can be had, the
 * tests fail with the script's message: they are never skipped.
 */
public final class Redis8 {

	private static RedisServerProcess server;

	private static IllegalStateException failure;

	private Redis8() {
	}

	/**
	 * The shared Redis 8 server, started on first use.
	 * @return the running server
	 */
	public static synchronized RedisServerProcess server() {
		if (server != null) {
			return server;
		}
		if (failure != null) {
			throw new IllegalStateException(failure.getMessage(), failure);
		}
		try {
			server = RedisServerProcess.start(binary());
			System.out.println("Redis 8 for hash-field lookup tests: " + server.binary() + " on " + server.uri());
			return server;
		}
		catch (IllegalStateException ex) {
			failure = ex;
			throw ex;
		}
	}

	/**
	 * A client of the shared Redis 8 server.
	 * @return a new client
	 */
	public static RedisTestClient client() {
		return new RedisTestClient(server().host(), server().port());
	}

	private static Path binary() {
		String named = System.getenv("SAS_REDIS_TEST_REDIS8");
		if (named != null && !named.isBlank()) {
			return Path.of(named);
		}
		Path script = script();
		try {
			Path output = Files.createTempFile("redis8-", ".out");
			Path errors = Files.createTempFile("redis8-", ".err");
			try {
				Process process = new ProcessBuilder("bash", script.toString()).redirectOutput(output.toFile())
					.redirectError(errors.toFile())
					.start();
				if (!process.waitFor(10, TimeUnit.MINUTES)) {
					process.destroyForcibly();
					throw new IllegalStateException(script + " did not finish within 10 minutes");
				}
				List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
				String messages = Files.readString(errors, StandardCharsets.UTF_8);
				if (process.exitValue() != 0 || lines.isEmpty()) {
					throw new IllegalStateException("No Redis 8 for the hash-field lookup tests (" + script
							+ " exited with " + process.exitValue() + "): " + messages.strip());
				}
				return Path.of(lines.get(lines.size() - 1).strip());
			}
			finally {
				Files.deleteIfExists(output);
				Files.deleteIfExists(errors);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + script + ": " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + script, ex);
		}
	}

	private static Path script() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path candidate = dir.resolve(".ci/redis8.sh");
			if (Files.isRegularFile(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("No .ci/redis8.sh above " + Path.of("").toAbsolutePath()
				+ ": set SAS_REDIS_TEST_REDIS8 and run the tests from the project's tree");
	}

}
