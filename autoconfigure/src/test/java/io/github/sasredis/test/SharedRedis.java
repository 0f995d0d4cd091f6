package io.github.sasredis.test;

import java.net.URI;

/**
 * The one real Redis that all tests of a JVM share.
 * <p>
 * Exists so that every test runs against a real Redis, whatever the machine offers,
 * without each test deciding how to get one. The first call picks, in this order:
 * <ol>
 * <li>the {@code REDIS_URL} environment variable ({@code redis://host:port}), e.g. a
 * CI service container;</li>
 * <li>a Testcontainers {@code redis:7-alpine} container, if Testcontainers is on the
 * class path and a Docker engine is available;</li>
 * <li>a {@link RedisServerProcess} ({@code redis-server} from the {@code PATH}, else the
 * binary of the embedded-redis jar).</li>
 * </ol>
 * If none works an {@link IllegalStateException} says what to install: tests are never
 * skipped for lack of Redis. The choice is printed once to {@code System.out}.
 * <p>
 * Tests sharing this Redis must not assume it is empty unless they flush it, and must
 * not run in parallel with tests that flush it.
 */
public final class SharedRedis {

	/** Image used when Testcontainers is chosen. */
	public static final String IMAGE = "redis:7-alpine";

	private static final String INSTALL_HINT = "Install redis-server (e.g. apt-get install redis-server) "
			+ "or set REDIS_URL=redis://host:port";

	private static Instance instance;

	private static RuntimeException failure;

	private SharedRedis() {
	}

	/** @return the URI of the shared Redis, e.g. {@code redis://127.0.0.1:41234} */
	public static String uri() {
		return get().uri;
	}

	/** @return the host of the shared Redis */
	public static String host() {
		return get().host;
	}

	/** @return the port of the shared Redis */
	public static int port() {
		return get().port;
	}

	/** @return a human readable description of where the shared Redis comes from */
	public static String source() {
		return get().source;
	}

	/**
	 * @return the process if the shared Redis is a {@link RedisServerProcess} started by
	 * this JVM, else {@code null}. Tests that stop or pause the shared Redis must leave
	 * it running afterwards; prefer starting an own {@link RedisServerProcess}.
	 */
	public static RedisServerProcess process() {
		return get().process;
	}

	private static synchronized Instance get() {
		if (instance != null) {
			return instance;
		}
		if (failure != null) {
			// same message for every test, not just the first one
			throw new IllegalStateException(failure.getMessage(), failure);
		}
		try {
			instance = create();
		}
		catch (RuntimeException ex) {
			failure = ex;
			throw ex;
		}
		System.out.println("[SharedRedis] Tests use Redis at " + instance.uri + " (" + instance.source + ")");
		return instance;
	}

	private static Instance create() {
		String url = System.getenv("REDIS_URL");
		if (url != null && !url.isBlank()) {
			return fromUrl(url.trim());
		}
		StringBuilder reasons = new StringBuilder();
		if (dockerAvailable(reasons)) {
			try {
				return Containers.start();
			}
			catch (Throwable ex) {
				reasons.append("\n - Testcontainers: Docker is available but starting ")
					.append(IMAGE)
					.append(" failed: ")
					.append(ex);
			}
		}
		try {
			RedisServerProcess process = RedisServerProcess.start();
			return new Instance(process.uri(), process.host(), process.port(),
					"redis-server process pid " + process.pid() + " from " + process.binary(), process);
		}
		catch (RuntimeException ex) {
			reasons.append("\n - redis-server process: ").append(ex.getMessage());
			throw new IllegalStateException("No Redis available for the tests. " + INSTALL_HINT + ". Tried:"
					+ "\n - REDIS_URL: not set" + reasons, ex);
		}
	}

	private static Instance fromUrl(String url) {
		URI parsed;
		try {
			parsed = URI.create(url);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("REDIS_URL is not a valid URI: " + url, ex);
		}
		if (parsed.getHost() == null || parsed.getScheme() == null || !parsed.getScheme().startsWith("redis")) {
			throw new IllegalStateException("REDIS_URL must look like redis://host:port, got: " + url);
		}
		int port = (parsed.getPort() > 0) ? parsed.getPort() : 6379;
		String safe = (parsed.getUserInfo() != null) ? url.replace(parsed.getRawUserInfo() + "@", "***@") : url;
		return new Instance(url, parsed.getHost(), port, "REDIS_URL=" + safe, null);
	}

	private static boolean dockerAvailable(StringBuilder reasons) {
		try {
			if (Containers.dockerAvailable()) {
				return true;
			}
			reasons.append("\n - Testcontainers: no Docker engine available");
		}
		catch (Throwable ex) {
			// NoClassDefFoundError when Testcontainers is not on the class path
			reasons.append("\n - Testcontainers: not usable (").append(ex).append(')');
		}
		return false;
	}

	private record Instance(String uri, String host, int port, String source, RedisServerProcess process) {
	}

	/**
	 * Isolates the Testcontainers API so that {@link SharedRedis} loads without it (the
	 * test-jar is reused by modules that may not have Testcontainers).
	 */
	private static final class Containers {

		static boolean dockerAvailable() {
			return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
		}

		static Instance start() {
			org.testcontainers.containers.GenericContainer<?> container = new org.testcontainers.containers.GenericContainer<>(
					org.testcontainers.utility.DockerImageName.parse(IMAGE))
				.withExposedPorts(6379);
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "shared-redis-container-stop"));
			String host = container.getHost();
			int port = container.getMappedPort(6379);
			return new Instance("redis://" + host + ":" + port, host, port,
					"Testcontainers " + IMAGE + " container " + container.getContainerId(), null);
		}

	}

}
