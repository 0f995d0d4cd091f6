package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.sasredis.test.RedisServerProcess;
import jdk.jfr.Recording;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs everything in one go: starts a redis-server, fills it through our store while counting memory, keys and
 * round trips (PostgreSQL fills both its tables meanwhile), runs the end-to-end refresh benchmark against the demo
 * server, runs the JMH benchmarks (1 and 8 threads) against the four stores, takes a JFR profile of our rotate, then
 * writes
 * {@code results/results.json} (JMH's JSON), {@code results/summary.json} (counts, end to end, profile, machine),
 * {@code results/chart.svg} and the generated part of {@code README.md}.
 * <p>
 * System properties: {@code bench.dir} (the benchmarks module directory, default {@code benchmarks}),
 * {@code bench.grants}/{@code bench.users} (100,000/10,000), {@code bench.pg.url} (PostgreSQL JDBC URL),
 * {@code bench.warmup}/{@code bench.measurement} (JMH iteration seconds, 2/2), {@code bench.iterations} (2),
 * {@code bench.skip} (comma separated: {@code jmh}, {@code cpu}, {@code profile}, {@code instructions}, {@code e2e},
 * {@code postgres}), {@code bench.redis} (the redis-server binary, default: from the PATH), {@code bench.lookups}
 * ({@code hash-fields} or {@code keys}; default: hash fields when the server has {@code HSETEX}, Redis 8.0+).
 */
public final class Harness {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

	private final Path dir = Path.of(System.getProperty("bench.dir", "benchmarks"));

	private final Path results = this.dir.resolve("results");

	private final List<String> skip = List.of(System.getProperty("bench.skip", "").split(","));

	private final long started = System.nanoTime();

	private Map<String, String> load = new LinkedHashMap<>();

	public static void main(String[] args) throws Exception {
		new Harness().run();
		System.exit(0);
	}

	void log(String message) {
		System.out.printf("[%s +%3ds] %s%n", ZonedDateTime.now().format(TIME),
				TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - this.started), message);
	}

	void run() throws Exception {
		Files.createDirectories(this.results);
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("date", ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
		summary.put("machine", Machine.describe());
		summary.put("workload", Map.of("grants", Workload.GRANTS, "users", Workload.USERS, "accessTokenChars",
				Workload.accessTokenValue(new java.util.SplittableRandom(1)).length(), "idTokenChars",
				Workload.idTokenValue(new java.util.SplittableRandom(1)).length(), "refreshTokenChars",
				Workload.seededRefreshToken(0).length()));
		Map<String, String> load = new LinkedHashMap<>();
		summary.put("loadAverage", load);
		load.put("start", Machine.loadAverage());
		this.load = load;
		log("machine: " + summary.get("machine") + ", load average " + load.get("start"));

		// PostgreSQL fills its tables in the background while Redis is filled (used_memory is Redis's own)
		String postgres = this.skip.contains("postgres") ? "skipped (bench.skip)" : Stores.postgresProblem();
		summary.put("postgresProblem", postgres);
		CompletableFuture<Void> postgresFill = (postgres != null) ? CompletableFuture.completedFuture(null)
				: CompletableFuture.runAsync(() -> Prefill.postgres(Workload.GRANTS, this::log));

		// JFR's first recording in a JVM costs a second or two of start-up: pay it here, not while profiling
		try (Recording jfr = Profile.executionSamples()) {
			jfr.start();
			jfr.stop();
		}
		RedisServerProcess redis = Stores.startRedis();
		log("redis-server " + redis.uri() + " (" + redis.binary() + ")");
		if (System.getProperty(Stores.LOOKUPS_PROPERTY, "").isBlank()) {
			// lookups as hash fields where the server can expire fields (Redis 8.0+), else as keys
			System.setProperty(Stores.LOOKUPS_PROPERTY, Counts.hasHsetex(redis) ? "hash-fields" : "keys");
		}
		summary.put("lookups", System.getProperty(Stores.LOOKUPS_PROPERTY));
		log("our store's lookups: " + summary.get("lookups"));
		summary.put("redis", Counts.redis(redis, this::log));
		if (Stores.hashFieldLookups()) {
			// the same grants with lookups as keys, on a server of the same binary: what the layout saves
			RedisServerProcess keysRedis = Stores.startRedis();
			try {
				summary.put("redisLookupKeys", Counts.memory(keysRedis, false, this::log));
			}
			finally {
				keysRedis.stop();
			}
		}
		// the small store for the memory breakdown and the keyspace comparison
		RedisServerProcess smallRedis = Stores.startRedis();
		try (Stores.Store small = Stores.redis(smallRedis.port(), null);
				Stores.Store full = Stores.redis(redis.port(), null)) {
			summary.put("redisSmall", Counts.smallRedis(smallRedis, small, this::log));
			postgres = joinPostgres(postgres, postgresFill, summary);
			Map<String, Object> keyspace = Counts.keyspace(full, small);
			summary.put("keyspace", keyspace);
			log("list/revoke-all µs per call, full keyspace vs 1%: " + keyspace);
		}
		finally {
			smallRedis.stop();
		}

		// end to end before JMH, while the harness's Redis holds exactly the pre-filled grants
		if (!this.skip.contains("e2e")) {
			String demo = EndToEnd.demoProblem();
			if (demo == null) {
				load.put("before end to end", Machine.loadAverage());
				try {
					summary.put("endToEnd", new EndToEnd(this::log).run(redis));
				}
				catch (Exception ex) {
					log("end to end failed: " + ex);
					ex.printStackTrace();
					summary.put("endToEndProblem", "failed: " + ex);
				}
			}
			else {
				summary.put("endToEndProblem", demo);
				log("end to end skipped: " + demo);
			}
		}

		List<String> stores = new ArrayList<>(List.of(Stores.REDIS, Stores.INMEMORY));
		if (postgres == null) {
			stores.add(Stores.JDBC);
			stores.add(Stores.JDBC_INDEXED);
		}

		summary.put("jmh", Map.of("forks", 0, "warmupIterations", 1, "warmupSeconds", Long.getLong("bench.warmup", 2),
				"measurementIterations", Integer.getInteger("bench.iterations", 2), "measurementSeconds",
				Long.getLong("bench.measurement", 2)));
		List<RunResult> runs = new ArrayList<>();
		if (!this.skip.contains("jmh")) {
			for (int threads : new int[] { 1, 8 }) {
				runs.addAll(jmh(redis, "StoreBenchmark\\.(save|findByToken|rotate|remove)$", stores, threads));
				runs.addAll(jmh(redis, "StoreBenchmark\\.(" + String.join("|", Stores.UNCACHED_OPERATIONS) + ")$",
						List.of(Stores.REDIS_UNCACHED), threads));
				runs.addAll(jmh(redis, "StoreBenchmark\\.(listUserTokens|revokeAllOfUser|redisFloor)$",
						List.of(Stores.REDIS), threads));
			}
			try (PrintStream out = new PrintStream(Files.newOutputStream(this.results.resolve("results.json")), true,
					StandardCharsets.UTF_8)) {
				ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(runs);
			}
			log("wrote " + this.results.resolve("results.json"));
		}
		if (!this.skip.contains("jmh")) {
			runs.addAll(jmh(redis, "CodecBenchmark\\.", List.of(), 1));
			try (PrintStream out = new PrintStream(Files.newOutputStream(this.results.resolve("results.json")), true,
					StandardCharsets.UTF_8)) {
				ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(runs);
			}
		}
		if (!this.skip.contains("cpu")) {
			try (Stores.Store ours = Stores.redis(redis.port(), null)) {
				summary.put("cpu", CpuAccount.rotate(ours.service(), redis.pid(), 8, Duration.ofSeconds(10),
						Duration.ofSeconds(10), this::log));
			}
		}
		if (!this.skip.contains("profile")) {
			summary.put("profile", profile(redis));
		}
		if (!this.skip.contains("instructions")) {
			String problem = RedisInstructions.problem();
			if (problem == null) {
				Path work = Path.of(System.getProperty("bench.work", this.dir.resolve("target").toString()));
				Files.createDirectories(work);
				summary.put("redisInstructions", RedisInstructions.count(work, this::log));
			}
			else {
				summary.put("redisInstructionsProblem", problem);
				log("redis-server instruction counts skipped: " + problem);
			}
		}
		redis.stop();
		if (postgres == null) {
			try {
				Prefill.dropPostgres();
			}
			catch (RuntimeException ex) {
				log("dropping the PostgreSQL schemas failed: " + ex);
			}
		}

		load.put("end", Machine.loadAverage());
		summary.put("harnessSeconds", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - this.started));
		JsonMapper json = JsonMapper.builder().build();
		Files.writeString(this.results.resolve("summary.json"),
				json.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
		Report.write(this.dir);
		log("wrote " + this.results.resolve("summary.json") + ", " + this.results.resolve("chart.svg") + " and "
				+ this.dir.resolve("README.md"));
	}

	private String joinPostgres(String problem, CompletableFuture<Void> fill, Map<String, Object> summary) {
		if (problem != null) {
			log("PostgreSQL rows skipped: " + problem);
			return problem;
		}
		try {
			fill.join();
			try (var dataSource = Stores.dataSource(null, 1)) {
				JdbcTemplate jdbc = new JdbcTemplate(dataSource);
				summary.put("postgres", Counts.postgres(jdbc));
				summary.put("postgresVersion", jdbc.queryForObject("SHOW server_version", String.class));
			}
			log("PostgreSQL: " + summary.get("postgres"));
			return null;
		}
		catch (RuntimeException ex) {
			String failed = "filling PostgreSQL failed: " + ex;
			summary.put("postgresProblem", failed);
			log(failed);
			return failed;
		}
	}

	/**
	 * Runs benchmarks in this JVM (JMH forks 0): it is warm from filling the stores through their own code, which at
	 * a few hundred operations per second a fresh fork would not be within a short warm-up, and it saves a JVM start
	 * and a fill of the in-memory store per benchmark.
	 */
	private Collection<RunResult> jmh(RedisServerProcess redis, String include, List<String> stores, int threads)
			throws Exception {
		return jmh(redis, include, stores, threads, Integer.getInteger("bench.iterations", 2));
	}

	private Collection<RunResult> jmh(RedisServerProcess redis, String include, List<String> stores, int threads,
			int iterations) throws Exception {
		System.setProperty(Stores.REDIS_PORT_PROPERTY, Integer.toString(redis.port()));
		System.setProperty(Stores.PG_URL_PROPERTY, Stores.pgUrl());
		ChainedOptionsBuilder options = new OptionsBuilder().include(include)
			.threads(threads)
			.forks(0)
			.warmupIterations(1)
			.warmupTime(TimeValue.seconds(Long.getLong("bench.warmup", 2)))
			.measurementIterations(iterations)
			.measurementTime(TimeValue.seconds(Long.getLong("bench.measurement", 2)))
			.shouldFailOnError(false);
		if (!stores.isEmpty()) {
			options.param("store", stores.toArray(String[]::new));
		}
		String phase = include.replaceAll("[^A-Za-z|]", "").replace("StoreBenchmark", "").replace('|', '/') + ", "
				+ threads + ((threads == 1) ? " thread" : " threads");
		this.load.put("before " + phase, Machine.loadAverage());
		log("JMH: " + include + " " + stores + ", " + threads + " thread(s), load average " + Machine.loadAverage());
		return new Runner(options.build()).run();
	}

	private Map<String, Object> profile(RedisServerProcess redis) throws Exception {
		Path recording = Path.of(System.getProperty("bench.work", this.dir.resolve("target").toString()))
			.resolve("rotate-redis-8t.jfr")
			.toAbsolutePath();
		Files.createDirectories(recording.getParent());
		Files.deleteIfExists(recording);
		Collection<RunResult> run;
		try (Recording jfr = Profile.executionSamples()) {
			jfr.start();
			run = jmh(redis, "StoreBenchmark\\.rotate$", List.of(Stores.REDIS), 8, 3);
			jfr.stop();
			jfr.dump(recording);
		}
		Map<String, Object> profile = new LinkedHashMap<>();
		profile.put("benchmark", "rotate, ours (Redis), 8 threads, JFR execution samples every 10 ms");
		run.stream()
			.findFirst()
			.ifPresent((result) -> profile.put("opsPerSecondUnderJfr",
					Counts.round(result.getPrimaryResult().getScore())));
		profile.put("allThreads", Profile.summarise(recording, null, 15));
		log("profile: " + profile);
		return profile;
	}

}
