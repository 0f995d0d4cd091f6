package io.github.sasredis.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.sasredis.store.RevocationCause;
import io.github.sasredis.test.RedisServerProcess;
import io.github.sasredis.test.RedisTestClient;
import io.github.sasredis.test.RoundTripCounter;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The counts that do not depend on how noisy the machine is: Redis round trips and commands per operation, Redis
 * memory and keys per grant, Redis server time per operation, PostgreSQL bytes per row.
 */
public final class Counts {

	private static final int SAMPLES = 200;

	static final int FILL_THREADS = 8;

	private Counts() {
	}

	/**
	 * Fills the (fresh) Redis with the pre-filled grants through our store, measuring memory and keys, then counts
	 * the round trips of each operation.
	 * @param redis the benchmark's redis-server, empty
	 * @param log progress output
	 * @return the counts
	 */
	public static Map<String, Object> redis(RedisServerProcess redis, Consumer<String> log) {
		Map<String, Object> result = new LinkedHashMap<>();
		RoundTripCounter counter = new RoundTripCounter();
		try (Stores.Store store = Stores.redis(redis.port(), counter);
				RedisTestClient client = new RedisTestClient(redis.host(), redis.port())) {
			// load the scripts first, so that the memory delta is the grants' only
			store.service().save(Workload.newGrant("warm-up", new SplittableRandom(1)));
			store.registry().revokeAll("warm-up", RevocationCause.OPS);
			long memoryBefore = usedMemory(client);
			long keysBefore = (Long) client.command("DBSIZE");
			long start = System.nanoTime();
			Prefill.save(store.service(), Workload::seeded, 0, Workload.GRANTS, FILL_THREADS);
			double seconds = (System.nanoTime() - start) / 1e9;
			long memoryAfter = usedMemory(client);
			long keys = (Long) client.command("DBSIZE") - keysBefore;
			log.accept(String.format("Redis: %,d grants saved in %.1f s (%,.0f/s), %,d keys, %,d bytes", Workload.GRANTS,
					seconds, Workload.GRANTS / seconds, keys, memoryAfter - memoryBefore));
			result.put("grants", Workload.GRANTS);
			result.put("users", Workload.USERS);
			result.put("fillSeconds", round(seconds));
			result.put("usedMemoryDelta", memoryAfter - memoryBefore);
			result.put("memoryPerGrant", round((double) (memoryAfter - memoryBefore) / Workload.GRANTS));
			result.put("keys", keys);
			result.put("keysPerGrant", round((double) keys / Workload.GRANTS));
			result.put("operations", roundTrips(store, counter, client));
			result.put("scanOrKeysCalls", scanOrKeys(client));
		}
		return result;
	}

	/**
	 * Whether the server has {@code HSETEX} (Redis 8.0+), which hash-field lookups need.
	 * @param redis the server
	 * @return {@code true} when it has
	 */
	public static boolean hasHsetex(RedisServerProcess redis) {
		try (RedisTestClient client = new RedisTestClient(redis.host(), redis.port())) {
			return ((List<?>) client.command("COMMAND", "INFO", "HSETEX")).get(0) != null;
		}
	}

	/**
	 * Fills the (fresh) Redis with the pre-filled grants through our store with the given layout of lookups, measuring
	 * memory and keys only.
	 * @param redis an empty redis-server
	 * @param hashFieldLookups whether lookups are hash fields
	 * @param log progress output
	 * @return memory and keys per grant
	 */
	public static Map<String, Object> memory(RedisServerProcess redis, boolean hashFieldLookups, Consumer<String> log) {
		Map<String, Object> result = new LinkedHashMap<>();
		try (Stores.Store store = Stores.redis(redis.port(), null, hashFieldLookups);
				RedisTestClient client = new RedisTestClient(redis.host(), redis.port())) {
			store.service().save(Workload.newGrant("warm-up", new SplittableRandom(1)));
			store.registry().revokeAll("warm-up", RevocationCause.OPS);
			long memoryBefore = usedMemory(client);
			long keysBefore = (Long) client.command("DBSIZE");
			Prefill.save(store.service(), Workload::seeded, 0, Workload.GRANTS, FILL_THREADS);
			long memoryAfter = usedMemory(client);
			long keys = (Long) client.command("DBSIZE") - keysBefore;
			log.accept(String.format("Redis, lookups as %s: %,d grants, %,d keys, %,d bytes",
					hashFieldLookups ? "hash fields" : "keys", Workload.GRANTS, keys, memoryAfter - memoryBefore));
			result.put("lookups", hashFieldLookups ? "hash-fields" : "keys");
			result.put("grants", Workload.GRANTS);
			result.put("usedMemoryDelta", memoryAfter - memoryBefore);
			result.put("memoryPerGrant", round((double) (memoryAfter - memoryBefore) / Workload.GRANTS));
			result.put("keys", keys);
			result.put("keysPerGrant", round((double) keys / Workload.GRANTS));
		}
		return result;
	}

	/**
	 * Fills a small store (1% of the grants, same grants per user) and measures the memory of each kind of key per
	 * grant.
	 * @param redis an empty redis-server
	 * @param store our store on it
	 * @param log progress output
	 * @return the breakdown
	 */
	public static Map<String, Object> smallRedis(RedisServerProcess redis, Stores.Store store, Consumer<String> log) {
		Map<String, Object> result = new LinkedHashMap<>();
		int grants = smallGrants();
		int users = smallUsers();
		try (RedisTestClient client = new RedisTestClient(redis.host(), redis.port())) {
			Prefill.save(store.service(), (i) -> Workload.seeded(i, Workload.CLIENT, Workload.userId(i % users)), 0,
					grants, FILL_THREADS);
			Map<String, Long> bytesByKind = new TreeMap<>();
			Map<String, Long> keysByKind = new TreeMap<>();
			for (String key : client.scanAllKeys()) {
				String kind = kindOf(key);
				long bytes = (Long) client.command("MEMORY", "USAGE", key, "SAMPLES", "0");
				bytesByKind.merge(kind, bytes, Long::sum);
				keysByKind.merge(kind, 1L, Long::sum);
			}
			Map<String, Object> perGrant = new LinkedHashMap<>();
			bytesByKind.forEach((kind, bytes) -> perGrant.put(kind,
					Map.of("keysPerGrant", round((double) keysByKind.get(kind) / grants), "bytesPerGrant",
							round((double) bytes / grants))));
			result.put("grants", grants);
			result.put("users", users);
			result.put("memoryUsageByKeyKind", perGrant);
			log.accept("Redis (small store): " + perGrant);
		}
		return result;
	}

	static int smallGrants() {
		return Math.max(100, Workload.GRANTS / 100);
	}

	static int smallUsers() {
		return Math.max(10, Workload.USERS / 100);
	}

	/**
	 * Single-threaded microseconds per list and per revoke-all call on the full and on the small store, measured in
	 * alternating batches so that the machine's ups and downs weigh on both alike.
	 * @param full the store with all grants
	 * @param small the store with 1% of them
	 * @return per store, microseconds per call
	 */
	public static Map<String, Object> keyspace(Stores.Store full, Stores.Store small) {
		SplittableRandom random = new SplittableRandom(7);
		int[] users = { Workload.USERS, smallUsers() };
		Stores.Store[] stores = { full, small };
		int lists = 1_500;
		int revokes = 300;
		int warmUp = 100;
		int perUser = StoreBenchmark.GRANTS_PER_REVOKED_USER;
		// one call on each store in turn, and the median of each: a burst of load elsewhere on the machine moves a
		// few calls of both, not the comparison
		long[][] listNanos = new long[2][lists];
		long[][] revokeNanos = new long[2][revokes];
		for (int i = -warmUp; i < lists; i++) {
			for (int s = 0; s < 2; s++) {
				String user = Workload.userId(random.nextInt(users[s]));
				long start = System.nanoTime();
				stores[s].registry().findByUser(user);
				if (i >= 0) {
					listNanos[s][i] = System.nanoTime() - start;
				}
			}
		}
		for (int i = -warmUp / 10; i < revokes; i++) {
			for (int s = 0; s < 2; s++) {
				String user = "timed-revoke-" + s + "-" + i;
				for (int g = 0; g < perUser; g++) {
					stores[s].service().save(Workload.newGrant(user, random));
				}
				long start = System.nanoTime();
				stores[s].registry().revokeAll(user, RevocationCause.OPS);
				if (i >= 0) {
					revokeNanos[s][i] = System.nanoTime() - start;
				}
			}
		}
		Map<String, Object> result = new LinkedHashMap<>();
		String[] names = { "full", "small" };
		for (int s = 0; s < 2; s++) {
			Map<String, Object> timing = new LinkedHashMap<>();
			timing.put("listMicros", round(median(listNanos[s]) / 1e3));
			timing.put("revokeAllMicros", round(median(revokeNanos[s]) / 1e3));
			result.put(names[s], timing);
		}
		result.put("smallGrants", smallGrants());
		result.put("statistic", "median of " + lists + " lists and " + revokes + " revoke-alls per store, alternating");
		return result;
	}

	private static double median(long[] values) {
		long[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
	}

	private static Map<String, Object> roundTrips(Stores.Store store, RoundTripCounter counter,
			RedisTestClient client) {
		SplittableRandom random = new SplittableRandom(42);
		Map<String, Object> operations = new LinkedHashMap<>();
		List<OAuth2Authorization> pool = new ArrayList<>();
		for (int i = 0; i < 2 * SAMPLES; i++) {
			pool.add(Workload.newGrant(Workload.userId(random.nextInt(Workload.USERS)), random));
		}
		// save: new grants
		operations.put("save", measure(counter, client, SAMPLES, () -> {
			OAuth2Authorization grant = pool.remove(pool.size() - 1);
			store.service().save(grant);
			return grant;
		}));
		// findByToken: refresh tokens of pre-filled grants
		operations.put("findByToken", measure(counter, client, SAMPLES, () -> require(store.service()
			.findByToken(Workload.seededRefreshToken(random.nextInt(Workload.GRANTS)), OAuth2TokenType.REFRESH_TOKEN))));
		// rotate: the grants saved above
		List<String> refreshTokens = new ArrayList<>();
		for (int i = 0; i < SAMPLES; i++) {
			OAuth2Authorization grant = pool.remove(pool.size() - 1);
			store.service().save(grant);
			refreshTokens.add(grant.getRefreshToken().getToken().getTokenValue());
		}
		int[] next = { 0 };
		operations.put("rotate", measure(counter, client, SAMPLES, () -> {
			OAuth2Authorization found = require(
					store.service().findByToken(refreshTokens.get(next[0]++), OAuth2TokenType.REFRESH_TOKEN));
			OAuth2Authorization rotated = Workload.rotate(found, Workload.accessTokenValue(random),
					Workload.randomValue(random, 128));
			store.service().save(rotated);
			return rotated;
		}));
		// remove: found again by their new refresh tokens would change nothing; remove what findById-free code has
		List<OAuth2Authorization> toRemove = new ArrayList<>();
		for (int i = 0; i < SAMPLES; i++) {
			OAuth2Authorization grant = Workload.newGrant(Workload.userId(random.nextInt(Workload.USERS)), random);
			store.service().save(grant);
			toRemove.add(grant);
		}
		operations.put("remove", measure(counter, client, SAMPLES, () -> {
			OAuth2Authorization grant = toRemove.remove(toRemove.size() - 1);
			store.service().remove(grant);
			return grant;
		}));
		operations.put("listUserTokens", measure(counter, client, SAMPLES,
				() -> store.registry().findByUser(Workload.userId(random.nextInt(Workload.USERS)))));
		List<String> users = new ArrayList<>();
		for (int i = 0; i < SAMPLES / 4; i++) {
			String user = "counted-revoke-" + i;
			for (int g = 0; g < StoreBenchmark.GRANTS_PER_REVOKED_USER; g++) {
				store.service().save(Workload.newGrant(user, random));
			}
			users.add(user);
		}
		operations.put("revokeAllOfUser", measure(counter, client, SAMPLES / 4,
				() -> store.registry().revokeAll(users.remove(users.size() - 1), RevocationCause.OPS)));
		return operations;
	}

	private static Map<String, Object> measure(RoundTripCounter counter, RedisTestClient client, int samples,
			Supplier<Object> operation) {
		operation.get(); // scripts loaded, connections open
		Map<String, Long> commandsBefore = counter.byCommand();
		long before = counter.count();
		long serverMicrosBefore = serverMicros(client);
		for (int i = 1; i < samples; i++) {
			operation.get();
		}
		long serverMicros = serverMicros(client) - serverMicrosBefore;
		long count = counter.count() - before;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("roundTrips", round((double) count / (samples - 1)));
		Map<String, Object> commands = new TreeMap<>();
		counter.byCommand().forEach((name, calls) -> {
			long delta = calls - commandsBefore.getOrDefault(name, 0L);
			if (delta > 0) {
				commands.put(name, round((double) delta / (samples - 1)));
			}
		});
		result.put("commands", commands);
		result.put("redisServerMicros", round((double) serverMicros / (samples - 1)));
		return result;
	}

	private static <T> T require(T found) {
		if (found == null) {
			throw new IllegalStateException("Lookup found nothing");
		}
		return found;
	}

	/** Total microseconds Redis spent in commands since start, less INFO itself (from INFO commandstats). */
	static long serverMicros(RedisTestClient client) {
		long total = 0;
		for (String line : client.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
				for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
					if (field.startsWith("usec=")) {
						total += Long.parseLong(field.substring(5));
					}
				}
			}
		}
		return total;
	}

	static long scanOrKeys(RedisTestClient client) {
		Map<String, Long> stats = client.commandStats();
		return stats.getOrDefault("scan", 0L) + stats.getOrDefault("keys", 0L);
	}

	static long usedMemory(RedisTestClient client) {
		for (String line : client.info("memory").split("\r?\n")) {
			if (line.startsWith("used_memory:")) {
				return Long.parseLong(line.substring("used_memory:".length()).trim());
			}
		}
		throw new IllegalStateException("INFO memory has no used_memory");
	}

	private static String kindOf(String key) {
		// oauth2:authorization:..., oauth2:token:<digest>, refresh_token:<user>:<jti>, oauth2:user_refresh_tokens:..
		String[] parts = key.split(":", 3);
		if (parts.length >= 2 && parts[0].equals("oauth2")) {
			return "oauth2:" + parts[1];
		}
		return parts[0];
	}

	/**
	 * Bytes per row of both PostgreSQL tables.
	 * @param jdbc a template on the database
	 * @return per table: rows, total relation size, heap size, average row size
	 */
	public static Map<String, Object> postgres(JdbcTemplate jdbc) {
		Map<String, Object> result = new LinkedHashMap<>();
		for (String[] table : new String[][] { { Stores.JDBC, Stores.JDBC_SCHEMA },
				{ Stores.JDBC_INDEXED, Stores.JDBC_INDEXED_SCHEMA } }) {
			String name = table[1] + ".oauth2_authorization";
			Map<String, Object> row = jdbc.queryForMap("SELECT count(*) AS rows, pg_total_relation_size('" + name
					+ "') AS total, pg_relation_size('" + name + "') AS heap, pg_indexes_size('" + name
					+ "') AS indexes, avg(pg_column_size(t.*))::float8 AS avg_row FROM " + name + " t");
			long rows = ((Number) row.get("rows")).longValue();
			Map<String, Object> sizes = new LinkedHashMap<>();
			sizes.put("rows", rows);
			sizes.put("totalRelationSize", row.get("total"));
			sizes.put("heapSize", row.get("heap"));
			sizes.put("indexesSize", row.get("indexes"));
			sizes.put("totalBytesPerRow", round(((Number) row.get("total")).doubleValue() / rows));
			sizes.put("avgRowColumnSize", round(((Number) row.get("avg_row")).doubleValue()));
			result.put(table[0], sizes);
		}
		return result;
	}

	static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

}
