package io.github.sasredis.demo.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks an address whether a Redis answers there, with one real {@code PING} over a socket and a short timeout. An
 * open port alone proves nothing: something else may listen on 6379.
 */
final class RedisProbe {

	private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

	private RedisProbe() {
	}

	/**
	 * Sends {@code PING} and reads the first line of the answer.
	 * @param host the host to probe
	 * @param port the port to probe
	 * @param timeout how long to wait to connect and then for the answer
	 * @return what answered
	 */
	static Answer ping(String host, int port, Duration timeout) {
		int millis = (int) Math.max(1, timeout.toMillis());
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), millis);
			socket.setSoTimeout(millis);
			OutputStream out = socket.getOutputStream();
			out.write(PING);
			out.flush();
			String line = readLine(socket.getInputStream());
			if (line.equals("+PONG")) {
				return Answer.PONG;
			}
			if (line.startsWith("-NOAUTH") || line.startsWith("-WRONGPASS")) {
				return Answer.AUTHENTICATION_REQUIRED;
			}
			return Answer.NOT_REDIS;
		}
		catch (IOException ex) {
			return Answer.NOTHING;
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int i = 0; i < 256; i++) {
			int b = in.read();
			if (b == -1 || b == '\n') {
				break;
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	/**
	 * What answered a probe.
	 */
	enum Answer {

		/** A Redis that accepts commands without authentication. */
		PONG,

		/** A Redis that wants a password: it is there, the application must be configured for it. */
		AUTHENTICATION_REQUIRED,

		/** Something that accepted the connection but did not answer like a Redis. */
		NOT_REDIS,

		/** Nothing accepted the connection or answered in time. */
		NOTHING;

		boolean isRedis() {
			return this == PONG || this == AUTHENTICATION_REQUIRED;
		}

	}

}
