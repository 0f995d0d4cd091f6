package io.github.sasredis.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.sasredis.store.RedisKeys;
import io.github.sasredis.test.RedisServerProcess;
import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.store.RedisRefreshTokenRegistry;
import io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper;
import io.github.sasredis.test.RoundTripCounter;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The stores compared, opened the same way in the harness and in every JMH fork.
 */
public final class Stores {

	public static final String REDIS = "redis";

	/** Ours with the document mapper's attribute cache off: every read decodes the principal and the request. */
	public static final String REDIS_UNCACHED = "redis-uncached";

	/** The benchmarks run on {@link #REDIS_UNCACHED}: those that read grants. */
	public static final List<String> UNCACHED_OPERATIONS = List.of("findByToken", "rotate");

	public static final String INMEMORY = "inmemory";

	public static final String JDBC = "jdbc";

	public static final String JDBC_INDEXED = "jdbc-indexed";

	public static final List<String> ALL = List.of(REDIS, REDIS_UNCACHED, INMEMORY, JDBC, JDBC_INDEXED);

	/** PostgreSQL schema of the as-shipped table. */
	public static final String JDBC_SCHEMA = "sasredis_bench_jdbc";

	/** PostgreSQL schema of the table with an index on each token value column. */
	public static final String JDBC_INDEXED_SCHEMA = "sasredis_bench_jdbc_indexed";

	/** System property: port of the harness's redis-server. */
	public static final String REDIS_PORT_PROPERTY = "bench.redis.port";

	/** System property: JDBC URL of PostgreSQL (without schema). */
	public static final String PG_URL_PROPERTY = "bench.pg.url";

	public static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

	public static final String PG_USER = System.getProperty("bench.pg.user", "postgres");

	public static final String PG_PASSWORD = System.getProperty("bench.pg.password", "");

	public static final RegisteredClientRepository CLIENTS = new InMemoryRegisteredClientRepository(Workload.CLIENT);

	private Stores() {
	}

	/**
	 * An opened store.
	 * @param kind one of {@link #ALL}
	 * @param service the store
	 * @param registry the refresh-token registry, ours only
	 * @param closer what closes its connections
	 */
	public record Store(String kind, OAuth2AuthorizationService service, RedisRefreshTokenRegistry registry,
			AutoCloseable closer, JdbcTemplate jdbc) implements AutoCloseable {

		@Override
		public void close() {
			try {
				this.closer.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * Opens a store on the resources named by the system properties.
	 * @param kind one of {@link #ALL}
	 * @return the store
	 */
	public static Store open(String kind) {
		return switch (kind) {
			case REDIS -> redis(Integer.getInteger(REDIS_PORT_PROPERTY), null);
			case REDIS_UNCACHED -> {
				Store store = redis(Integer.getInteger(REDIS_PORT_PROPERTY), null);
				OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
				mapper.setAttributeCacheSize(0);
				((RedisOAuth2AuthorizationService) store.service()).setDocumentMapper(mapper);
				yield store;
			}
			case INMEMORY -> new Store(kind, new InMemoryOAuth2AuthorizationService(), null, () -> {
			}, null);
			case JDBC -> jdbc(kind, JDBC_SCHEMA);
			case JDBC_INDEXED -> jdbc(kind, JDBC_INDEXED_SCHEMA);
			default -> throw new IllegalArgumentException("Unknown store " + kind);
		};
	}

	/**
	 * Our store on a redis-server of 127.0.0.1, through Lettuce's shared connection as Boot configures it.
	 * @param port the port
	 * @param counter counts the commands sent, or {@code null}
	 * @return the store
	 */
	public static Store redis(int port, RoundTripCounter counter) {
		return redis(port, counter, hashFieldLookups());
	}

	/** System property: the redis-server binary of every Redis the harness starts (default: from the PATH). */
	public static final String REDIS_BINARY_PROPERTY = "bench.redis";

	/** System property: where our store keeps lookups, {@code hash-fields} or {@code keys}. */
	public static final String LOOKUPS_PROPERTY = "bench.lookups";

	/**
	 * The redis-server binary the harness runs.
	 * @return {@code bench.redis}, else the one on the PATH
	 */
	public static Path redisBinary() {
		String binary = System.getProperty(REDIS_BINARY_PROPERTY, "");
		return binary.isBlank() ? RedisServerProcess.executable() : Path.of(binary);
	}

	/**
	 * Starts a redis-server of {@link #redisBinary()} on a free port.
	 * @return the server
	 */
	public static RedisServerProcess startRedis() {
		return RedisServerProcess.start(redisBinary());
	}

	/**
	 * Whether our store keeps lookups as hash fields ({@code bench.lookups}).
	 * @return {@code true} for {@code hash-fields}
	 */
	public static boolean hashFieldLookups() {
		return "hash-fields".equals(System.getProperty(LOOKUPS_PROPERTY, "keys"));
	}

	/**
	 * Our store on a redis-server of 127.0.0.1, with lookups as hash fields or as keys.
	 * @param port the port
	 * @param counter counts the commands sent, or {@code null}
	 * @param hashFieldLookups whether lookups are hash fields
	 * @return the store
	 */
	public static Store redis(int port, RoundTripCounter counter, boolean hashFieldLookups) {
		LettuceConnectionFactory factory;
		if (counter != null) {
			factory = RoundTripCounter.connectionFactory("127.0.0.1", port, counter);
		}
		else {
			factory = connectionFactory(port);
		}
		// as the auto-configuration sets it up
		StringRedisTemplate template = new StringRedisTemplate(factory);
		template.setExposeConnection(true);
		RedisOAuth2AuthorizationService service = new RedisOAuth2AuthorizationService(template);
		service.setKeys(new RedisKeys(RedisKeys.DEFAULT_NAMESPACE, RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX, false,
				hashFieldLookups));
		service.setRegisteredClientRepository(CLIENTS);
		return new Store(REDIS, service, new RedisRefreshTokenRegistry(service), factory::destroy, null);
	}

	/**
	 * A started connection factory for a redis-server of 127.0.0.1, configured as Boot configures one (Lettuce, one
	 * shared connection).
	 * @param port the port
	 * @return the factory
	 */
	static LettuceConnectionFactory connectionFactory(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	static Store jdbc(String kind, String schema) {
		HikariDataSource dataSource = dataSource(schema, 10);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		return new Store(kind, new JdbcOAuth2AuthorizationService(jdbc, CLIENTS), null, dataSource, jdbc);
	}

	static HikariDataSource dataSource(String schema, int poolSize) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(pgUrl() + ((schema != null) ? (pgUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema
				: ""));
		config.setUsername(PG_USER);
		config.setPassword(PG_PASSWORD);
		config.setMaximumPoolSize(poolSize);
		config.setMinimumIdle(1);
		config.setPoolName("bench-" + ((schema != null) ? schema : "pg"));
		return new HikariDataSource(config);
	}

	static String pgUrl() {
		return System.getProperty(PG_URL_PROPERTY, DEFAULT_PG_URL);
	}

	/**
	 * @return why PostgreSQL cannot be used, or {@code null} when it answers
	 */
	public static String postgresProblem() {
		try (Connection connection = DriverManager.getConnection(pgUrl() + (pgUrl().contains("?") ? "&" : "?")
				+ "connectTimeout=3&loginTimeout=3", PG_USER, PG_PASSWORD)) {
			connection.createStatement().execute("SELECT 1");
			return null;
		}
		catch (SQLException ex) {
			return "PostgreSQL at " + pgUrl() + " does not answer: " + ex.getMessage();
		}
	}

}
