package io.github.sasredis.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.springframework.util.FileSystemUtils;

/**
 * A master, a replica and three sentinels, all {@code redis-server} processes the tests start on free ports of
 * 127.0.0.1, to show the store keeps serving through a failover.
 */
public final class RedisSentinelSetup implements AutoCloseable {

	/** The name the sentinels monitor the master under. */
	public static final String MASTER_NAME = "mymaster";

	private final RedisServerProcess master;

	private final RedisServerProcess replica;

	private final List<Process> sentinels;

	private final List<Integer> sentinelPorts;

	private final List<Path> directories = new ArrayList<>();

	private RedisSentinelSetup(RedisServerProcess master, RedisServerProcess replica, List<Process> sentinels,
			List<Integer> sentinelPorts) {
		this.master = master;
		this.replica = replica;
		this.sentinels = sentinels;
		this.sentinelPorts = sentinelPorts;
	}

	/**
	 * Starts the master, the replica and the sentinels, and returns when the replica is in sync and every
	 * sentinel knows both.
	 * @return the running setup
	 */
	public static RedisSentinelSetup start() {
		// no delay before a full sync (the default waits 5 s for more replicas): the replica is in sync sooner at
		// start, and so is the former master once the sentinels have made it a replica of the new one
		RedisServerProcess master = RedisServerProcess.startWith("--repl-diskless-sync-delay", "0");
		RedisServerProcess replica = RedisServerProcess.startWith("--repl-diskless-sync-delay", "0", "--replicaof",
				"127.0.0.1", Integer.toString(master.port()));
		List<Process> sentinels = new ArrayList<>();
		List<Integer> ports = new ArrayList<>();
		RedisSentinelSetup setup = new RedisSentinelSetup(master, replica, sentinels, ports);
		try {
			for (int i = 0; i < 3; i++) {
				int port = freePort();
				Path directory = Files.createTempDirectory("redis-sentinel-");
				setup.directories.add(directory);
				Path config = directory.resolve("sentinel.conf");
				Files.writeString(config, String.join("\n", "port " + port, "bind 127.0.0.1", "protected-mode no",
						"dir " + directory, "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
						"sentinel down-after-milliseconds " + MASTER_NAME + " 2000",
						"sentinel failover-timeout " + MASTER_NAME + " 10000", ""));
				Process sentinel = new ProcessBuilder(RedisServerProcess.executable().toString(), config.toString(),
						"--sentinel")
					.redirectErrorStream(true)
					.redirectOutput(directory.resolve("sentinel.log").toFile())
					.start();
				sentinels.add(sentinel);
				ports.add(port);
			}
			await("replica in sync", Duration.ofSeconds(20), () -> {
				try (RedisTestClient client = new RedisTestClient("127.0.0.1", replica.port())) {
					return String.valueOf(client.command("INFO", "replication")).contains("master_link_status:up");
				}
			});
			for (int port : ports) {
				await("sentinel on " + port + " sees the replica", Duration.ofSeconds(20), () -> {
					try (RedisTestClient client = new RedisTestClient("127.0.0.1", port)) {
						return !((List<?>) client.command("SENTINEL", "REPLICAS", MASTER_NAME)).isEmpty();
					}
					catch (RuntimeException ex) {
						return false;
					}
				});
			}
			return setup;
		}
		catch (IOException | RuntimeException ex) {
			setup.close();
			throw new IllegalStateException("Cannot start the Redis Sentinel setup: " + ex, ex);
		}
	}

	/**
	 * Returns {@code host:port} of every sentinel.
	 * @return the sentinel addresses
	 */
	public List<String> sentinelAddresses() {
		return this.sentinelPorts.stream().map((port) -> "127.0.0.1:" + port).toList();
	}

	/**
	 * Returns the port of the current master as the sentinels report it.
	 * @return the port
	 */
	public int masterPort() {
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", this.sentinelPorts.get(0))) {
			List<?> address = (List<?>) client.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
			return Integer.parseInt(String.valueOf(address.get(1)));
		}
	}

	/**
	 * Returns the process that was the replica at start.
	 * @return the replica
	 */
	public RedisServerProcess replica() {
		return this.replica;
	}

	/**
	 * Returns the process that was the master at start.
	 * @return the master
	 */
	public RedisServerProcess master() {
		return this.master;
	}

	/**
	 * Returns the process that is the replica now, as the sentinels report the master.
	 * @return the current replica
	 */
	public RedisServerProcess currentReplica() {
		return (masterPort() == this.master.port()) ? this.replica : this.master;
	}

	/**
	 * Returns when the master the sentinels report has a replica in sync: at once while the setup is healthy,
	 * after a failover once the sentinels have made the former master a replica of the new one and it has synced.
	 */
	public void awaitReplicaInSync() {
		await("a replica in sync with the master", Duration.ofSeconds(30), () -> {
			try (RedisTestClient client = new RedisTestClient("127.0.0.1", masterPort())) {
				String replication = String.valueOf(client.command("INFO", "replication"));
				return replication.contains("role:master") && replication.contains("state=online");
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
	}

	/**
	 * Forces a failover ({@code SENTINEL FAILOVER}) and returns when the former replica is the master, as the
	 * sentinels and the server itself report it.
	 */
	public void failover() {
		int before = masterPort();
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", this.sentinelPorts.get(0))) {
			client.command("SENTINEL", "FAILOVER", MASTER_NAME);
		}
		await("failover", Duration.ofSeconds(30), () -> {
			int now = masterPort();
			if (now == before) {
				return false;
			}
			try (RedisTestClient client = new RedisTestClient("127.0.0.1", now)) {
				return String.valueOf(client.command("INFO", "replication")).contains("role:master");
			}
		});
	}

	@Override
	public void close() {
		for (Process sentinel : this.sentinels) {
			sentinel.destroyForcibly();
			try {
				sentinel.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.replica.stop();
		this.master.stop();
		for (Path directory : this.directories) {
			FileSystemUtils.deleteRecursively(directory.toFile());
		}
	}

	private static void await(String what, Duration timeout, BooleanSupplier condition) {
		Instant deadline = Instant.now().plus(timeout);
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				throw new IllegalStateException("Timed out waiting for " + what);
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot find a free port", ex);
		}
	}

}
