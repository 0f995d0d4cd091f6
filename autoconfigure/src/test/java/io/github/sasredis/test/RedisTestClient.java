package io.github.sasredis.test;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.github.sasredis.store.mapping.DocumentEncoding;

/**
 * Minimal synchronous RESP2 client over a plain socket.
 * <p>
 * Tests use it to look at Redis "as redis-cli would": it bypasses Spring Data Redis,
 * its serializers and its connection handling entirely, so assertions made with it
 * cannot be fooled by the code under test. It is deliberately tiny and has no
 * dependencies.
 * <p>
 * If a command fails with an I/O error (for example a read timeout while the server
 * is paused) the socket is dropped, because a late reply would otherwise be read as
 * the answer to the next command; the next command opens a new connection.
 * <p>
 * Error replies ({@code -ERR ...}) are thrown as {@link RedisErrorException}; error
 * replies nested inside an array (e.g. in the result of {@code EXEC}) are returned as
 * {@code RedisErrorException} instances instead of being thrown.
 */
public class RedisTestClient implements AutoCloseable {

	/** Default socket read timeout. */
	public static final int DEFAULT_TIMEOUT_MILLIS = 10_000;

	private final String host;

	private final int port;

	private final int timeoutMillis;

	private final String username;

	private final String password;

	private final int database;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	private boolean closed;

	/**
	 * Connects to {@code host:port} with the default timeout.
	 * @param host the host
	 * @param port the port
	 */
	public RedisTestClient(String host, int port) {
		this(host, port, DEFAULT_TIMEOUT_MILLIS);
	}

	/**
	 * Connects to {@code host:port}; {@code timeoutMillis} is used both as connect and
	 * read timeout.
	 * @param host the host
	 * @param port the port
	 * @param timeoutMillis connect and read timeout in milliseconds
	 */
	public RedisTestClient(String host, int port, int timeoutMillis) {
		this(host, port, timeoutMillis, null, null, 0);
	}

	private RedisTestClient(String host, int port, int timeoutMillis, String username, String password,
			int database) {
		this.host = host;
		this.port = port;
		this.timeoutMillis = timeoutMillis;
		this.username = username;
		this.password = password;
		this.database = database;
		synchronized (this) {
			connect();
		}
	}

	/**
	 * Client for a {@code redis://[[user]:password@]host[:port][/database]} URI. TLS
	 * ({@code rediss://}) is not supported.
	 * @param uri the Redis URI
	 * @return a connected client
	 */
	public static RedisTestClient forUri(String uri) {
		URI parsed = URI.create(uri);
		if (!"redis".equalsIgnoreCase(parsed.getScheme())) {
			throw new IllegalArgumentException("Only redis:// URIs are supported by RedisTestClient: " + uri);
		}
		String user = null;
		String pass = null;
		if (parsed.getRawUserInfo() != null) {
			String info = parsed.getRawUserInfo();
			int colon = info.indexOf(':');
			if (colon < 0) {
				pass = decode(info);
			}
			else {
				user = (colon == 0) ? null : decode(info.substring(0, colon));
				pass = decode(info.substring(colon + 1));
			}
		}
		int db = 0;
		String path = parsed.getPath();
		if (path != null && path.length() > 1) {
			db = Integer.parseInt(path.substring(1));
		}
		int port = (parsed.getPort() > 0) ? parsed.getPort() : 6379;
		return new RedisTestClient(parsed.getHost(), port, DEFAULT_TIMEOUT_MILLIS, user, pass, db);
	}

	/**
	 * Client for the Redis shared by all tests of this JVM, see {@link SharedRedis}.
	 * @return a new connected client; close it when done
	 */
	public static RedisTestClient shared() {
		return forUri(SharedRedis.uri());
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	// ------------------------------------------------------------------ commands

	/**
	 * Sends one command and returns its reply: {@link String} for simple and bulk
	 * strings (bulk strings decoded as UTF-8), {@link Long} for integers,
	 * {@code List<Object>} for arrays and {@code null} for null replies.
	 * @param args the command and its arguments, e.g. {@code "SET", "k", "v"}
	 * @return the decoded reply
	 * @throws RedisErrorException if Redis answers with an error
	 * @throws UncheckedIOException on I/O errors, including read timeouts
	 */
	public synchronized Object command(String... args) {
		byte[][] raw = new byte[args.length][];
		for (int i = 0; i < args.length; i++) {
			raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
		}
		return execute(raw, false);
	}

	/**
	 * Like {@link #command(String...)} but binary safe in both directions: bulk strings
	 * are returned as {@code byte[]} (simple strings are still {@link String}).
	 * @param args the command and its arguments
	 * @return the reply
	 */
	public synchronized Object commandRaw(byte[]... args) {
		return execute(args, true);
	}

	private Object execute(byte[][] args, boolean raw) {
		if (this.closed) {
			throw new IllegalStateException("RedisTestClient is closed");
		}
		if (args.length == 0) {
			throw new IllegalArgumentException("No command given");
		}
		try {
			if (this.socket == null) {
				connect();
			}
			write(args);
			Object reply = read(raw);
			if (reply instanceof RedisErrorException error) {
				throw new RedisErrorException(error.getMessage());
			}
			return reply;
		}
		catch (IOException ex) {
			disconnect();
			throw new UncheckedIOException("Redis command " + new String(args[0], StandardCharsets.UTF_8)
					+ " against " + this.host + ":" + this.port + " failed: " + ex, ex);
		}
		catch (RuntimeException ex) {
			if (!(ex instanceof RedisErrorException)) {
				disconnect();
			}
			throw ex;
		}
	}

	public void flushAll() {
		command("FLUSHALL");
	}

	public String ping() {
		return (String) command("PING");
	}

	/**
	 * All keys of the current database, via a {@code SCAN} cursor loop (never
	 * {@code KEYS}), de-duplicated and sorted.
	 * @return the key names
	 */
	public List<String> scanAllKeys() {
		TreeSet<String> keys = new TreeSet<>();
		String cursor = "0";
		do {
			List<?> reply = (List<?>) command("SCAN", cursor, "COUNT", "1000");
			cursor = (String) reply.get(0);
			for (Object key : (List<?>) reply.get(1)) {
				keys.add((String) key);
			}
		}
		while (!"0".equals(cursor));
		return new ArrayList<>(keys);
	}

	public String get(String key) {
		return (String) command("GET", key);
	}

	/** @return TTL in seconds, -1 without expiry, -2 if the key does not exist */
	public long ttl(String key) {
		return (Long) command("TTL", key);
	}

	/** @return TTL in milliseconds, -1 without expiry, -2 if the key does not exist */
	public long pttl(String key) {
		return (Long) command("PTTL", key);
	}

	/** @return the Redis type name ("string", "hash", ...) or "none" */
	public String type(String key) {
		return (String) command("TYPE", key);
	}

	public boolean exists(String key) {
		return (Long) command("EXISTS", key) > 0;
	}

	public long del(String... keys) {
		if (keys.length == 0) {
			return 0;
		}
		String[] args = new String[keys.length + 1];
		args[0] = "DEL";
		System.arraycopy(keys, 0, args, 1, keys.length);
		return (Long) command(args);
	}

	public Map<String, String> hgetAll(String key) {
		List<?> reply = (List<?>) command("HGETALL", key);
		Map<String, String> result = new LinkedHashMap<>();
		for (int i = 0; i + 1 < reply.size(); i += 2) {
			result.put((String) reply.get(i), (String) reply.get(i + 1));
		}
		return result;
	}

	/**
	 * The fields of an authorization's value as the store's scripts write it ({@code authorization.lua}).
	 * @param key the authorization key
	 * @return {@code v}, {@code j}, {@code rt}, {@code re}, {@code p}, {@code pt}, {@code ix}, {@code rk} and the
	 * stored document {@code d}, one character per byte (ISO-8859-1: {@code z1:} and compressed bytes, or the
	 * JSON); empty when the key holds no such value
	 */
	public Map<String, String> authorization(String key) {
		Object value = commandRaw(bytes("GET"), bytes(key));
		return (value instanceof byte[] raw) ? authorizationFields(raw) : Map.of();
	}

	/**
	 * The JSON document of an authorization, decompressed when stored compressed.
	 * @param key the authorization key
	 * @return the JSON, or {@code null} when the key holds no authorization
	 */
	public String document(String key) {
		String stored = authorization(key).get("d");
		return (stored != null) ? DocumentEncoding.compressed().decode(stored.getBytes(StandardCharsets.ISO_8859_1))
				: null;
	}

	/**
	 * Splits a value written by the store's scripts into its fields (see {@link #authorization(String)}).
	 * @param value the value
	 * @return the fields, or an empty map when the value is not an authorization
	 */
	public static Map<String, String> authorizationFields(byte[] value) {
		String[] names = { "v", "j", "rt", "re", "p", "pt", "ix" };
		Map<String, String> fields = new LinkedHashMap<>();
		int position = 0;
		for (String name : names) {
			int newline = indexOf(value, (byte) '\n', position);
			if (newline < 0) {
				return Map.of();
			}
			fields.put(name, new String(value, position, newline - position, StandardCharsets.UTF_8));
			position = newline + 1;
		}
		int colon = indexOf(value, (byte) ':', position);
		String digits = (colon < 0) ? "" : new String(value, position, colon - position, StandardCharsets.US_ASCII);
		if (!digits.matches("[0-9]{1,9}") || colon + 1 + Integer.parseInt(digits) > value.length) {
			return Map.of();
		}
		int length = Integer.parseInt(digits);
		fields.put("rk", new String(value, colon + 1, length, StandardCharsets.UTF_8));
		int document = colon + 1 + length;
		fields.put("d", new String(value, document, value.length - document, StandardCharsets.ISO_8859_1));
		return fields;
	}

	private static int indexOf(byte[] value, byte wanted, int from) {
		for (int i = from; i < value.length; i++) {
			if (value[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** @return the members of a sorted set, lowest score first ({@code ZRANGE key 0 -1}) */
	@SuppressWarnings("unchecked")
	public List<String> zrange(String key) {
		return (List<String>) (List<?>) command("ZRANGE", key, "0", "-1");
	}

	/**
	 * Every key with its type, TTL and full value, as one human readable string. Used to
	 * assert that a secret (e.g. a token value) appears nowhere in Redis: check that the
	 * result does not contain it. A compressed authorization document is followed by its
	 * JSON, so that such checks see what it holds. Keys that vanish while dumping are
	 * reported as such.
	 * @return the dump
	 */
	public String dumpAllKeysAndValues() {
		StringBuilder dump = new StringBuilder();
		for (String key : scanAllKeys()) {
			String type = type(key);
			dump.append(key).append(" (").append(type).append(", pttl ").append(pttl(key)).append(")\n");
			Object value = switch (type) {
				case "string" -> commandRaw(bytes("GET"), bytes(key));
				case "hash" -> command("HGETALL", key);
				case "zset" -> command("ZRANGE", key, "0", "-1", "WITHSCORES");
				case "set" -> command("SMEMBERS", key);
				case "list" -> command("LRANGE", key, "0", "-1");
				case "stream" -> command("XRANGE", key, "-", "+");
				case "none" -> "<key vanished while dumping>";
				default -> "<type " + type + " not dumped>";
			};
			appendValue(dump, value, "  ");
		}
		return dump.toString();
	}

	private static void appendValue(StringBuilder dump, Object value, String indent) {
		if (value instanceof List<?> list) {
			for (Object element : list) {
				appendValue(dump, element, indent + "  ");
			}
		}
		else {
			Map<String, String> authorization = (value instanceof byte[] raw) ? authorizationFields(raw) : Map.of();
			String document = authorization.get("d");
			dump.append(indent)
				.append((value instanceof byte[] raw) ? new String(raw, StandardCharsets.UTF_8) : value)
				.append('\n');
			if (document != null && document.startsWith(DocumentEncoding.COMPRESSED_PREFIX)) {
				// a document that cannot be decompressed fails the dump: checks of what Redis holds must see it all
				dump.append(indent)
					.append("decompressed: ")
					.append(DocumentEncoding.compressed().decode(document.getBytes(StandardCharsets.ISO_8859_1)))
					.append('\n');
			}
		}
	}

	/**
	 * Parses {@code INFO commandstats} into command name to number of calls, e.g.
	 * {@code "evalsha" -> 12}. Names are as Redis prints them after {@code cmdstat_}
	 * (lower case; Redis 7 reports sub-commands as e.g. {@code "client|setinfo"}).
	 * Commands never called since start or {@code CONFIG RESETSTAT} are absent.
	 * @return the statistics
	 */
	public Map<String, Long> commandStats() {
		Map<String, Long> stats = new LinkedHashMap<>();
		for (String line : info("commandstats").split("\r?\n")) {
			if (!line.startsWith("cmdstat_")) {
				continue;
			}
			int colon = line.indexOf(':');
			String name = line.substring("cmdstat_".length(), colon);
			for (String field : line.substring(colon + 1).split(",")) {
				if (field.startsWith("calls=")) {
					stats.put(name, Long.parseLong(field.substring("calls=".length())));
				}
			}
		}
		return Collections.unmodifiableMap(stats);
	}

	/**
	 * {@code total_commands_processed} from {@code INFO stats}. Note that the server
	 * counts the {@code INFO} command used to read it as well (after reading it).
	 * @return the total number of commands the server processed since start
	 */
	public long totalCommandsProcessed() {
		for (String line : info("stats").split("\r?\n")) {
			if (line.startsWith("total_commands_processed:")) {
				return Long.parseLong(line.substring("total_commands_processed:".length()).trim());
			}
		}
		throw new IllegalStateException("INFO stats has no total_commands_processed");
	}

	/** @return the raw text of {@code INFO section} */
	public String info(String section) {
		return (String) command("INFO", section);
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		disconnect();
	}

	// ------------------------------------------------------------------ protocol

	private void connect() {
		Socket newSocket = new Socket();
		try {
			newSocket.setTcpNoDelay(true);
			newSocket.setSoTimeout(this.timeoutMillis);
			newSocket.connect(new InetSocketAddress(this.host, this.port), this.timeoutMillis);
			this.socket = newSocket;
			this.in = new BufferedInputStream(newSocket.getInputStream());
			this.out = new BufferedOutputStream(newSocket.getOutputStream());
		}
		catch (IOException ex) {
			closeQuietly(newSocket);
			this.socket = null;
			throw new UncheckedIOException("Cannot connect to Redis at " + this.host + ":" + this.port + ": " + ex,
					ex);
		}
		try {
			if (this.password != null) {
				String[] auth = (this.username != null) ? new String[] { "AUTH", this.username, this.password }
						: new String[] { "AUTH", this.password };
				execute(toBytes(auth), false);
			}
			if (this.database != 0) {
				execute(toBytes("SELECT", Integer.toString(this.database)), false);
			}
		}
		catch (RuntimeException ex) {
			disconnect();
			throw ex;
		}
	}

	private static byte[][] toBytes(String... args) {
		byte[][] raw = new byte[args.length][];
		for (int i = 0; i < args.length; i++) {
			raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
		}
		return raw;
	}

	private void disconnect() {
		if (this.socket != null) {
			closeQuietly(this.socket);
		}
		this.socket = null;
		this.in = null;
		this.out = null;
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// ignore
		}
	}

	private void write(byte[][] args) throws IOException {
		OutputStream os = this.out;
		os.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (byte[] arg : args) {
			os.write(('$' + Integer.toString(arg.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			os.write(arg);
			os.write('\r');
			os.write('\n');
		}
		os.flush();
	}

	private Object read(boolean raw) throws IOException {
		int type = this.in.read();
		if (type < 0) {
			throw new EOFException("Connection closed by Redis");
		}
		String line = readLine();
		switch (type) {
			case '+':
				return line;
			case '-':
				return new RedisErrorException(line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] data = this.in.readNBytes(length);
				if (data.length < length || this.in.read() != '\r' || this.in.read() != '\n') {
					throw new EOFException("Truncated bulk string");
				}
				return raw ? data : new String(data, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> elements = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					elements.add(read(raw));
				}
				return elements;
			}
			default:
				throw new IOException("Unsupported RESP type '" + (char) type + "' (" + line + ")");
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream(32);
		while (true) {
			int b = this.in.read();
			if (b < 0) {
				throw new EOFException("Connection closed by Redis");
			}
			if (b == '\r') {
				if (this.in.read() != '\n') {
					throw new IOException("Malformed RESP line");
				}
				return buffer.toString(StandardCharsets.UTF_8);
			}
			buffer.write(b);
		}
	}

	@Override
	public String toString() {
		return "RedisTestClient[" + this.host + ":" + this.port + "]";
	}

	/**
	 * An error reply from Redis, e.g. {@code ERR unknown command} or
	 * {@code NOSCRIPT No matching script}.
	 */
	public static class RedisErrorException extends RuntimeException {

		public RedisErrorException(String message) {
			super(message);
		}

	}

}
