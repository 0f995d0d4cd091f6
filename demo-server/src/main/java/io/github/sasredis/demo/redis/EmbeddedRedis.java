package io.github.sasredis.demo.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import redis.embedded.RedisServer;

import org.springframework.beans.factory.DisposableBean;

/**
 * A Redis server process started by the demo on a free port of 127.0.0.1, in memory only ({@code save ""},
 * {@code appendonly no}). It is registered as a bean so that it stops when the application context closes, also when
 * it fails to start, and so that tests can ask which port it uses.
 */
public final class EmbeddedRedis implements DisposableBean {

	/** The address the embedded server binds to and the application connects to. */
	public static final String HOST = "127.0.0.1";

	private static final Log logger = LogFactory.getLog(EmbeddedRedis.class);

	private static final int ATTEMPTS = 3;

	private final RedisServer server;

	private final int port;

	private EmbeddedRedis(RedisServer server, int port) {
		this.server = server;
		this.port = port;
	}

	/**
	 * Starts a Redis server on a free port, retrying on another port if that one is taken meanwhile.
	 * @return the running server
	 * @throws IllegalStateException if it cannot be started
	 */
	static EmbeddedRedis start() {
		IOException failure = null;
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			try {
				int port = freePort();
				RedisServer server = RedisServer.newRedisServer()
					.bind(HOST)
					.port(port)
					.setting("save \"\"")
					.setting("appendonly no")
					.build();
				server.start();
				return new EmbeddedRedis(server, port);
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		throw new IllegalStateException("Could not start an embedded Redis", failure);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Returns the port the embedded server listens on.
	 * @return the port on {@link #HOST}
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns whether the server process is running.
	 * @return {@code true} until it was stopped
	 */
	public boolean isRunning() {
		return this.server.isActive();
	}

	@Override
	public void destroy() {
		try {
			this.server.stop();
			logger.info("Stopped the embedded Redis on " + HOST + ":" + this.port);
		}
		catch (IOException ex) {
			logger.warn("Could not stop the embedded Redis on " + HOST + ":" + this.port, ex);
		}
	}

}
