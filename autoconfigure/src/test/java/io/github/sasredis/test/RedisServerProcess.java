package io.github.sasredis.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} child process owned by the tests.
 * <p>
 * Exists so that tests get a real Redis without Docker, and so that tests can break
 * that Redis on purpose: {@link #stop()} it, {@link #restart()} it on the same port,
 * {@link #pause()} it (SIGSTOP, simulating a hung server that still accepts TCP
 * connections) or {@link #restartKeepingData()}.
 * <p>
 * The server runs without persistence ({@code --save ""}, {@code --appendonly no}),
 * bound to 127.0.0.1, with a fresh temporary working directory that also holds its
 * log ({@code redis-server.log}). The binary is {@code redis-server} from the
 * {@code PATH}, else the one shipped in the embedded-redis jar. Every process started
 * is killed by a JVM shutdown hook.
 */
public final class RedisServerProcess {

	private static final String HOST = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final String DB_FILENAME = "dump.rdb";

	private static final Set<RedisServerProcess> STARTED = ConcurrentHashMap.newKeySet();

	private static volatile Path resolvedExecutable;

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			for (RedisServerProcess server : STARTED) {
				server.kill();
				server.deleteDirectory();
			}
		}, "redis-server-process-cleanup"));
	}

	private final Path executable;

	private final int port;

	private final Path directory;

	private final Path logFile;

	private final List<String> extraArgs;

	private volatile Process process;

	private volatile boolean paused;

	private RedisServerProcess(Path executable, int port, Path directory, List<String> extraArgs) {
		this.executable = executable;
		this.extraArgs = List.copyOf(extraArgs);
		this.port = port;
		this.directory = directory;
		this.logFile = directory.resolve("redis-server.log");
	}

	/**
	 * Starts {@code redis-server} (see {@link #executable()}) on a free port of
	 * 127.0.0.1 and waits until it answers {@code PING}.
	 * @return the running server
	 * @throws IllegalStateException if no binary is found or the server does not start
	 */
	public static RedisServerProcess start() {
		return start(executable());
	}

	/**
	 * Starts the given {@code redis-server} binary on a free port of 127.0.0.1 and waits
	 * until it answers {@code PING}.
	 * @param executable the binary
	 * @return the running server
	 */
	public static RedisServerProcess start(Path executable) {
		return start(executable, List.of());
	}

	/**
	 * Starts {@code redis-server} with extra command-line arguments (for example
	 * {@code --cluster-enabled yes}) on a free port of 127.0.0.1.
	 * @param extraArgs arguments appended to the defaults
	 * @return the running server
	 */
	public static RedisServerProcess startWith(String... extraArgs) {
		return start(executable(), List.of(extraArgs));
	}

	private static RedisServerProcess start(Path executable, List<String> extraArgs) {
		IllegalStateException lastFailure = null;
		// picking a free port and binding it later is racy: retry on a new port
		for (int attempt = 0; attempt < 3; attempt++) {
			Path directory;
			try {
				directory = Files.createTempDirectory("redis-test-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot create a temporary directory for redis-server", ex);
			}
			RedisServerProcess server = new RedisServerProcess(executable, freePort(), directory, extraArgs);
			STARTED.add(server);
			try {
				server.launch();
				return server;
			}
			catch (IllegalStateException ex) {
				lastFailure = ex;
				STARTED.remove(server);
				boolean portTaken = server.logTail().contains("Address already in use");
				server.deleteDirectory();
				if (!portTaken) {
					throw ex;
				}
			}
		}
		throw lastFailure;
	}

	/**
	 * The {@code redis-server} binary used by {@link #start()}: the first executable
	 * {@code redis-server} file in a {@code PATH} entry, else the binary of the
	 * embedded-redis jar for this OS and architecture (extracted to a temporary file).
	 * @return the binary
	 * @throws IllegalStateException if there is none
	 */
	public static Path executable() {
		Path result = resolvedExecutable;
		if (result == null) {
			synchronized (RedisServerProcess.class) {
				result = resolvedExecutable;
				if (result == null) {
					result = findOnPath();
					if (result == null) {
						result = embeddedExecutable();
					}
					resolvedExecutable = result;
				}
			}
		}
		return result;
	}

	/**
	 * The first executable {@code redis-server} on the {@code PATH}.
	 * @return the binary or {@code null}
	 */
	public static Path findOnPath() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
		for (String entry : path.split(File.pathSeparator)) {
			if (entry.isBlank()) {
				continue;
			}
			for (String name : windows ? List.of("redis-server.exe", "redis-server") : List.of("redis-server")) {
				try {
					Path candidate = Paths.get(entry, name);
					if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
						return candidate;
					}
				}
				catch (RuntimeException ex) {
					// malformed PATH entry
				}
			}
		}
		return null;
	}

	/**
	 * The binary shipped in the embedded-redis jar for this OS and architecture.
	 * @return the extracted binary
	 * @throws IllegalStateException if embedded-redis is not on the class path or has no
	 * binary for this platform
	 */
	public static Path embeddedExecutable() {
		try {
			return EmbeddedRedisBinary.extract();
		}
		catch (LinkageError ex) {
			throw new IllegalStateException("redis-server is not on the PATH and embedded-redis "
					+ "(com.github.codemonstur:embedded-redis) is not on the class path", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("redis-server is not on the PATH and the embedded-redis binary for "
					+ System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " is not usable: " + ex,
					ex);
		}
	}

	// ------------------------------------------------------------------ accessors

	public int port() {
		return this.port;
	}

	public String host() {
		return HOST;
	}

	/** @return {@code redis://127.0.0.1:port} */
	public String uri() {
		return "redis://" + HOST + ":" + this.port;
	}

	/** @return the binary this server runs */
	public Path binary() {
		return this.executable;
	}

	/** @return the working directory of the server (holds its log and dump file) */
	public Path directory() {
		return this.directory;
	}

	/** @return the pid of the current process, or -1 if not running */
	public long pid() {
		Process current = this.process;
		return (current != null && current.isAlive()) ? current.pid() : -1;
	}

	/** @return whether the process is alive (also when paused) */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** @return whether the process is currently stopped by {@link #pause()} */
	public boolean isPaused() {
		return this.paused && isRunning();
	}

	/** @return the last lines of the server output */
	public String logTail() {
		try {
			if (!Files.exists(this.logFile)) {
				return "<no output>";
			}
			List<String> lines = Files.readAllLines(this.logFile, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "<cannot read " + this.logFile + ": " + ex + ">";
		}
	}

	// ------------------------------------------------------------------ lifecycle

	/**
	 * Kills the server (SIGKILL; nothing is saved) and waits until the port no longer
	 * accepts connections. Does nothing if it is not running.
	 */
	public synchronized void stop() {
		kill();
		awaitPortClosed();
	}

	/**
	 * Starts a new, empty server on the same port (and directory). Stops the current
	 * process first if it is still running. Data is lost.
	 */
	public synchronized void restart() {
		stop();
		try {
			Files.deleteIfExists(this.directory.resolve(DB_FILENAME));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		launch();
	}

	/**
	 * {@code SAVE}s the data set into the server directory, kills the server and starts
	 * it again on the same port, where it loads the data back. The server still never
	 * saves on its own.
	 */
	public synchronized void restartKeepingData() {
		stopKeepingData();
		startKeepingData();
	}

	/**
	 * {@code SAVE}s the data set into the server directory, then kills the server: the port
	 * refuses connections until {@link #startKeepingData()}.
	 */
	public synchronized void stopKeepingData() {
		if (!isRunning()) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		if (this.paused) {
			resume();
		}
		try (RedisTestClient client = new RedisTestClient(HOST, this.port)) {
			client.command("SAVE");
		}
		stop();
		if (!Files.exists(this.directory.resolve(DB_FILENAME))) {
			throw new IllegalStateException("SAVE did not write " + this.directory.resolve(DB_FILENAME));
		}
	}

	/**
	 * Starts the server again on the same port after {@link #stopKeepingData()}; it loads the
	 * saved data back.
	 */
	public synchronized void startKeepingData() {
		if (isRunning()) {
			throw new IllegalStateException("redis-server on port " + this.port + " is already running");
		}
		launch();
	}

	/**
	 * Sends SIGSTOP: the server keeps its data and the kernel still accepts TCP
	 * connections for it, but no command is answered until {@link #resume()}.
	 */
	public synchronized void pause() {
		signal("STOP");
		this.paused = true;
	}

	/**
	 * Sends SIGCONT after {@link #pause()}; queued commands are then answered.
	 */
	public synchronized void resume() {
		signal("CONT");
		this.paused = false;
	}

	@Override
	public String toString() {
		return "RedisServerProcess[" + uri() + ", pid " + pid() + ", " + this.executable + "]";
	}

	// ------------------------------------------------------------------ internals

	private void launch() {
		List<String> command = new ArrayList<>(List.of(this.executable.toString(),
				"--port", Integer.toString(this.port),
				"--bind", HOST,
				"--save", "",
				"--appendonly", "no",
				"--dir", this.directory.toString(),
				"--dbfilename", DB_FILENAME,
				"--protected-mode", "no",
				"--daemonize", "no",
				"--logfile", ""));
		command.addAll(this.extraArgs);
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()));
		builder.redirectInput(ProcessBuilder.Redirect.from(nullFile()));
		Process started;
		try {
			started = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot execute " + this.executable + ": " + ex, ex);
		}
		this.process = started;
		this.paused = false;
		awaitPing(started);
	}

	private static File nullFile() {
		return new File(System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "NUL" : "/dev/null");
	}

	private void awaitPing(Process started) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		Exception last = null;
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				throw new IllegalStateException("redis-server (" + this.executable + ") exited with code "
						+ started.exitValue() + " while starting on port " + this.port + ". Output:\n" + logTail());
			}
			try (RedisTestClient client = new RedisTestClient(HOST, this.port, 1000)) {
				if ("PONG".equals(client.command("PING"))) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// not listening yet, or still loading the dump (-LOADING)
				last = ex;
			}
			sleep(50);
		}
		kill();
		throw new IllegalStateException("redis-server (" + this.executable + ") did not answer PING on port "
				+ this.port + " within " + STARTUP_TIMEOUT.toSeconds() + " s (last error: " + last + "). Output:\n"
				+ logTail(), last);
	}

	private void kill() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		// SIGKILL also ends a process stopped by SIGSTOP
		current.destroyForcibly();
		try {
			if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("redis-server pid " + current.pid() + " did not die");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.paused = false;
	}

	private void awaitPortClosed() {
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(HOST, this.port), 200);
			}
			catch (ConnectException ex) {
				return;
			}
			catch (IOException ex) {
				// timeout or other: try again
			}
			sleep(50);
		}
		throw new IllegalStateException("Port " + this.port + " still accepts connections after stopping redis-server");
	}

	private void signal(String signal) {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		String pid = Long.toString(current.pid());
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, pid).redirectErrorStream(true).start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run kill -" + signal + " " + pid + ": " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal, ex);
		}
	}

	private void deleteDirectory() {
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// best effort
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot find a free port on " + HOST, ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Isolates the embedded-redis API so that this class loads without it (the test-jar
	 * is reused by modules that may not have it).
	 */
	private static final class EmbeddedRedisBinary {

		static Path extract() throws IOException {
			File file = redis.embedded.core.ExecutableProvider.newJarResourceProvider().get();
			if (!file.canExecute() && !file.setExecutable(true)) {
				throw new IOException(file + " is not executable");
			}
			return file.toPath();
		}

	}

}
