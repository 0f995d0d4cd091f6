package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * Fills the stores with the pre-filled grants of the {@link Workload}.
 */
public final class Prefill {

	/** The SAS schema, as shipped in the SAS jar. */
	public static final String SCHEMA_RESOURCE = "org/springframework/security/oauth2/server/authorization/oauth2-authorization-schema.sql";

	/** The token value columns the "JDBC with indexes" table indexes. */
	public static final List<String> TOKEN_VALUE_COLUMNS = List.of("authorization_code_value", "access_token_value",
			"oidc_id_token_value", "refresh_token_value", "user_code_value", "device_code_value");

	private static final String COLUMNS = "id, registered_client_id, principal_name, authorization_grant_type, "
			+ "authorized_scopes, attributes, state, authorization_code_value, authorization_code_issued_at, "
			+ "authorization_code_expires_at, authorization_code_metadata, access_token_value, access_token_issued_at, "
			+ "access_token_expires_at, access_token_metadata, access_token_type, access_token_scopes, "
			+ "oidc_id_token_value, oidc_id_token_issued_at, oidc_id_token_expires_at, oidc_id_token_metadata, "
			+ "refresh_token_value, refresh_token_issued_at, refresh_token_expires_at, refresh_token_metadata, "
			+ "user_code_value, user_code_issued_at, user_code_expires_at, user_code_metadata, device_code_value, "
			+ "device_code_issued_at, device_code_expires_at, device_code_metadata";

	private Prefill() {
	}

	/**
	 * Saves grants {@code from} to {@code to - 1} through the store's own {@code save}, from several threads.
	 * @param service the store
	 * @param grants grant {@code i}
	 * @param from first grant
	 * @param to end (exclusive)
	 * @param threads threads
	 */
	public static void save(OAuth2AuthorizationService service, IntFunction<OAuth2Authorization> grants, int from,
			int to, int threads) {
		parallel(from, to, threads, (i) -> service.save(grants.apply(i)));
	}

	/**
	 * The SAS schema adapted to PostgreSQL as its header advises: {@code blob} to {@code text}, {@code timestamp} to
	 * {@code timestamptz}.
	 * @return the DDL
	 */
	public static String postgresSchema() {
		try (InputStream in = Prefill.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(SCHEMA_RESOURCE + " is not on the class path");
			}
			String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			sql = sql.substring(sql.indexOf("CREATE TABLE"));
			return sql.replaceAll("\\bblob\\b", "text").replaceAll("\\btimestamp\\b", "timestamptz");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Creates both PostgreSQL tables (as shipped, and with an index on each token value column) and fills them with
	 * the pre-filled grants, by batch inserts of the rows {@link JdbcOAuth2AuthorizationService} writes.
	 * @param grants number of grants
	 * @param log progress output
	 */
	public static void postgres(int grants, java.util.function.Consumer<String> log) {
		try (HikariDataSource admin = Stores.dataSource(null, 5)) {
			JdbcTemplate jdbc = new JdbcTemplate(admin);
			String ddl = postgresSchema();
			for (String schema : List.of(Stores.JDBC_SCHEMA, Stores.JDBC_INDEXED_SCHEMA)) {
				jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
				jdbc.execute("CREATE SCHEMA " + schema);
			}
			jdbc.execute(ddl.replace("CREATE TABLE oauth2_authorization",
					"CREATE TABLE " + Stores.JDBC_SCHEMA + ".oauth2_authorization"));
		}
		long start = System.nanoTime();
		try (HikariDataSource dataSource = Stores.dataSource(Stores.JDBC_SCHEMA, 4)) {
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			// initialises the service's column types (text here) that its parameters mapper uses
			new JdbcOAuth2AuthorizationService(jdbc, Stores.CLIENTS);
			JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationParametersMapper mapper = new JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationParametersMapper();
			String insert = "INSERT INTO oauth2_authorization (" + COLUMNS + ") VALUES ("
					+ "?, ".repeat(32) + "?)";
			int batch = 500;
			int batches = (grants + batch - 1) / batch;
			parallel(0, batches, 4, (b) -> {
				List<Object[]> rows = new ArrayList<>(batch);
				for (int i = b * batch; i < Math.min(grants, (b + 1) * batch); i++) {
					List<SqlParameterValue> values = mapper.apply(Workload.seeded(i));
					rows.add(values.toArray());
				}
				jdbc.batchUpdate(insert, rows);
			});
			log.accept(String.format("PostgreSQL: %,d rows inserted in %.1f s", grants,
					(System.nanoTime() - start) / 1e9));
			jdbc.execute("CREATE TABLE " + Stores.JDBC_INDEXED_SCHEMA + ".oauth2_authorization AS TABLE "
					+ Stores.JDBC_SCHEMA + ".oauth2_authorization");
			jdbc.execute("ALTER TABLE " + Stores.JDBC_INDEXED_SCHEMA + ".oauth2_authorization ADD PRIMARY KEY (id)");
			for (String column : TOKEN_VALUE_COLUMNS) {
				jdbc.execute("CREATE INDEX ON " + Stores.JDBC_INDEXED_SCHEMA + ".oauth2_authorization (" + column
						+ ")");
			}
			jdbc.execute("VACUUM ANALYZE " + Stores.JDBC_SCHEMA + ".oauth2_authorization");
			jdbc.execute("VACUUM ANALYZE " + Stores.JDBC_INDEXED_SCHEMA + ".oauth2_authorization");
			log.accept(String.format("PostgreSQL: both tables ready after %.1f s", (System.nanoTime() - start) / 1e9));
		}
	}

	/**
	 * Drops both benchmark schemas (about 1.3 GB with 100,000 grants); every run creates them anew.
	 */
	public static void dropPostgres() {
		try (HikariDataSource admin = Stores.dataSource(null, 1)) {
			JdbcTemplate jdbc = new JdbcTemplate(admin);
			for (String schema : List.of(Stores.JDBC_SCHEMA, Stores.JDBC_INDEXED_SCHEMA)) {
				jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
			}
		}
	}

	/**
	 * Deletes from both PostgreSQL tables what benchmarks added (ids not starting with {@code seed-}).
	 * @param jdbc the table's template
	 */
	public static void deleteCreated(JdbcTemplate jdbc) {
		jdbc.update("DELETE FROM oauth2_authorization WHERE id NOT LIKE '" + Workload.SEED_ID_PREFIX + "%'");
	}

	interface IntAction {

		void run(int i) throws Exception;

	}

	static void parallel(int from, int to, int threads, IntAction action) {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			int chunk = Math.max(1, (to - from + threads - 1) / threads);
			for (int start = from; start < to; start += chunk) {
				int first = start;
				int end = Math.min(to, start + chunk);
				futures.add(executor.submit(() -> {
					for (int i = first; i < end; i++) {
						action.run(i);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Filling the store failed: " + ex, ex);
		}
		finally {
			executor.shutdownNow();
		}
	}

}
