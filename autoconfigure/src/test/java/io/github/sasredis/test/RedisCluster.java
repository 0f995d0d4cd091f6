package io.github.sasredis.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters, each a {@code redis-server} process the tests start on free ports of
 * 127.0.0.1, joined with {@code redis-cli --cluster create}. Needs {@code redis-server} and {@code redis-cli} on
 * {@code PATH} (Debian: {@code apt-get install redis-server}); fails with a message saying so otherwise.
 */
public final class RedisCluster implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private static RedisCluster shared;

	private final List<RedisServerProcess> nodes;

	private RedisCluster(List<RedisServerProcess> nodes) {
		this.nodes = nodes;
	}

	/**
	 * Starts three masters and creates the cluster; returns once every node reports {@code cluster_state:ok}.
	 * @return the cluster
	 */
	public static RedisCluster start() {
		Path redisCli = redisCli();
		List<RedisServerProcess> nodes = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				nodes.add(RedisServerProcess.startWith("--cluster-enabled", "yes", "--cluster-config-file",
						"nodes.conf", "--cluster-node-timeout", "5000", "--cluster-port",
						Integer.toString(freePort())));
			}
			List<String> command = new ArrayList<>(List.of(redisCli.toString(), "--cluster", "create"));
			nodes.forEach((node) -> command.add("127.0.0.1:" + node.port()));
			command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
			Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
				throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
			}
			RedisCluster cluster = new RedisCluster(nodes);
			cluster.awaitReady();
			return cluster;
		}
		catch (IOException ex) {
			nodes.forEach(RedisServerProcess::stop);
			throw new IllegalStateException("Cannot create the Redis Cluster: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			nodes.forEach(RedisServerProcess::stop);
			throw new IllegalStateException(ex);
		}
		catch (RuntimeException ex) {
			nodes.forEach(RedisServerProcess::stop);
			throw ex;
		}
	}

	/**
	 * Returns the cluster the tests of this JVM share, started on first use (its processes stop with the JVM).
	 * @return the shared cluster
	 */
	public static synchronized RedisCluster shared() {
		if (shared == null) {
			shared = start();
		}
		return shared;
	}

	private void awaitReady() {
		Instant deadline = Instant.now().plus(READY_TIMEOUT);
		while (true) {
			boolean ready = true;
			for (RedisServerProcess node : this.nodes) {
				try (RedisTestClient client = new RedisTestClient(node.host(), node.port())) {
					ready &= String.valueOf(client.command("CLUSTER", "INFO")).contains("cluster_state:ok");
				}
			}
			if (ready) {
				return;
			}
			if (Instant.now().isAfter(deadline)) {
				throw new IllegalStateException("Redis Cluster not ready after " + READY_TIMEOUT);
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

	/**
	 * Returns the nodes.
	 * @return the three masters
	 */
	public List<RedisServerProcess> nodes() {
		return this.nodes;
	}

	/**
	 * Returns {@code host:port} of every node, as Spring Data's {@code RedisClusterConfiguration} takes them.
	 * @return the node addresses
	 */
	public List<String> addresses() {
		return this.nodes.stream().map((node) -> node.host() + ":" + node.port()).toList();
	}

	/**
	 * Deletes every key on every node.
	 */
	public void flushAll() {
		forEachNode((client) -> client.command("FLUSHALL"));
	}

	/**
	 * Returns every key of every node.
	 * @return the keys
	 */
	public List<String> scanAllKeys() {
		List<String> keys = new ArrayList<>();
		forEachNode((client) -> keys.addAll(client.scanAllKeys()));
		return keys;
	}

	/**
	 * Returns every key and value of every node, for checks that no secret is at rest.
	 * @return the dump
	 */
	public String dumpAllKeysAndValues() {
		StringBuilder dump = new StringBuilder();
		forEachNode((client) -> dump.append(client.dumpAllKeysAndValues()));
		return dump.toString();
	}

	/**
	 * Returns the node that holds a key (the one answering without a redirection).
	 * @param key the key
	 * @return the node's port
	 */
	public int nodeOf(String key) {
		long slot = (Long) anyNode((client) -> client.command("CLUSTER", "KEYSLOT", key));
		for (RedisServerProcess node : this.nodes) {
			try (RedisTestClient client = new RedisTestClient(node.host(), node.port())) {
				for (Object range : (List<?>) client.command("CLUSTER", "SLOTS")) {
					List<?> entry = (List<?>) range;
					if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)
							&& ((Long) ((List<?>) entry.get(2)).get(1)).intValue() == node.port()) {
						return node.port();
					}
				}
			}
		}
		throw new IllegalStateException("No node serves slot " + slot);
	}

	/**
	 * Runs a command on the node that holds the key.
	 * @param key the key
	 * @param args the command
	 * @return its reply
	 */
	public Object commandOnNodeOf(String key, String... args) {
		int port = nodeOf(key);
		try (RedisTestClient client = new RedisTestClient("127.0.0.1", port)) {
			return client.command(args);
		}
	}

	private Object anyNode(java.util.function.Function<RedisTestClient, Object> action) {
		RedisServerProcess node = this.nodes.get(0);
		try (RedisTestClient client = new RedisTestClient(node.host(), node.port())) {
			return action.apply(client);
		}
	}

	private void forEachNode(java.util.function.Consumer<RedisTestClient> action) {
		for (RedisServerProcess node : this.nodes) {
			try (RedisTestClient client = new RedisTestClient(node.host(), node.port())) {
				action.accept(client);
			}
		}
	}

	@Override
	public void close() {
		this.nodes.forEach(RedisServerProcess::stop);
	}

	private static Path redisCli() {
		Path server = RedisServerProcess.executable();
		Path sibling = server.resolveSibling("redis-cli");
		if (Files.isExecutable(sibling)) {
			return sibling;
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(java.io.File.pathSeparator)) {
				Path candidate = Path.of(entry, "redis-cli");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		throw new IllegalStateException(
				"The Redis Cluster tests need redis-server and redis-cli on PATH: apt-get install redis-server");
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
