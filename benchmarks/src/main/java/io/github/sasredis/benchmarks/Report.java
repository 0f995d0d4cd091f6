package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code results/chart.svg} and the generated part of {@code README.md} from {@code results/results.json}
 * (JMH) and {@code results/summary.json} (the harness's counts). Run on its own ({@code main}) it redraws both from
 * the files of the last run.
 */
public final class Report {

	static final String BEGIN = "<!-- BEGIN GENERATED RESULTS: benchmarks/run.sh rewrites everything down to END GENERATED RESULTS -->";

	static final String END = "<!-- END GENERATED RESULTS -->";

	static final List<String> OPERATIONS = List.of("save", "findByToken", "rotate", "remove", "listUserTokens",
			"revokeAllOfUser", "redisFloor");

	/** Operations only our store has a row for. */
	static final Set<String> OURS_ONLY = Set.of("listUserTokens", "revokeAllOfUser", "redisFloor");

	static final Map<String, String> OPERATION_NAMES = Map.of("save", "save (new grant)", "findByToken",
			"findByToken (refresh)", "rotate", "rotate (find + save)", "remove", "remove", "listUserTokens",
			"list one user's tokens", "revokeAllOfUser", "revoke all of one user", "redisFloor",
			"floor: plain GET + SET of a document-sized value, no store logic");

	static final Map<String, String> STORE_NAMES = new LinkedHashMap<>();

	static final Map<String, String> COLORS = Map.of(Stores.REDIS, "#d62728", Stores.REDIS_UNCACHED, "#ff9896",
			Stores.INMEMORY, "#7f7f7f", Stores.JDBC, "#1f77b4", Stores.JDBC_INDEXED, "#2ca02c");

	static {
		STORE_NAMES.put(Stores.REDIS, "ours (Redis)");
		STORE_NAMES.put(Stores.REDIS_UNCACHED, "ours, attribute cache off");
		STORE_NAMES.put(Stores.INMEMORY, "in-memory");
		STORE_NAMES.put(Stores.JDBC, "JDBC as shipped");
		STORE_NAMES.put(Stores.JDBC_INDEXED, "JDBC with indexes");
	}

	private final JsonNode summary;

	/** CodecBenchmark operation -> {µs per call, error} */
	private final Map<String, double[]> codec = new LinkedHashMap<>();

	/** operation -> threads -> store -> {score, error} */
	private final Map<String, Map<Integer, Map<String, double[]>>> scores = new LinkedHashMap<>();

	private Report(JsonNode jmh, JsonNode summary) {
		this.summary = summary;
		if (jmh != null) {
			for (JsonNode run : jmh) {
				String benchmark = run.path("benchmark").asString();
				String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
				if (benchmark.contains(CodecBenchmark.class.getSimpleName())) {
					this.codec.put(operation, new double[] { run.path("primaryMetric").path("score").asDouble(),
							run.path("primaryMetric").path("scoreError").asDouble(Double.NaN) });
					continue;
				}
				int threads = run.path("threads").asInt();
				String store = run.path("params").path("store").asString();
				double score = run.path("primaryMetric").path("score").asDouble();
				double error = run.path("primaryMetric").path("scoreError").asDouble(Double.NaN);
				this.scores.computeIfAbsent(operation, (key) -> new LinkedHashMap<>())
					.computeIfAbsent(threads, (key) -> new LinkedHashMap<>())
					.put(store, new double[] { score, error });
			}
		}
	}

	public static void main(String[] args) throws IOException {
		write(Path.of(args.length > 0 ? args[0] : System.getProperty("bench.dir", "benchmarks")));
	}

	static void write(Path dir) throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		Path results = dir.resolve("results");
		Path jmhFile = results.resolve("results.json");
		JsonNode jmh = Files.exists(jmhFile) ? json.readTree(Files.readString(jmhFile)) : null;
		JsonNode summary = json.readTree(Files.readString(results.resolve("summary.json")));
		Report report = new Report(jmh, summary);
		Files.writeString(results.resolve("chart.svg"), report.svg(), StandardCharsets.UTF_8);
		Path readme = dir.resolve("README.md");
		String text = Files.exists(readme) ? Files.readString(readme) : BEGIN + "\n" + END + "\n";
		int begin = text.indexOf(BEGIN);
		int end = text.indexOf(END);
		if (begin < 0 || end < begin) {
			text = text + "\n" + BEGIN + "\n" + END + "\n";
			begin = text.indexOf(BEGIN);
			end = text.indexOf(END);
		}
		text = text.substring(0, begin) + BEGIN + "\n" + report.markdown() + text.substring(end);
		Files.writeString(readme, text, StandardCharsets.UTF_8);
	}

	// ------------------------------------------------------------------ values

	double[] score(String operation, int threads, String store) {
		return this.scores.getOrDefault(operation, Map.of()).getOrDefault(threads, Map.of()).get(store);
	}

	double opsPerSecond(String operation, int threads, String store) {
		double[] score = score(operation, threads, store);
		return (score != null) ? score[0] : Double.NaN;
	}

	boolean postgres() {
		return this.summary.path("postgresProblem").isNull() || this.summary.path("postgresProblem").isMissingNode();
	}

	double roundTrips(String operation) {
		return this.summary.path("redis").path("operations").path(operation).path("roundTrips").asDouble(Double.NaN);
	}

	double endToEnd(int grants, String store) {
		return this.summary.path("endToEnd")
			.path("grants" + grants)
			.path(store)
			.path("requestsPerSecond")
			.asDouble(Double.NaN);
	}

	// ------------------------------------------------------------------ markdown

	String markdown() {
		StringBuilder md = new StringBuilder();
		JsonNode machine = this.summary.path("machine");
		md.append("## Results\n\n");
		md.append("Generated by `benchmarks/run.sh` on ")
			.append(this.summary.path("date").asString())
			.append(" (harness run: ")
			.append(this.summary.path("harnessSeconds").asLong())
			.append(" s).\n\n");
		md.append("| Machine | |\n| --- | --- |\n");
		md.append("| `nproc` | ").append(machine.path("nproc").asString()).append(" (").append(cell(machine.path("cpu").asString())).append(") |\n");
		md.append("| `free -h` | ").append(freeSummary(machine.path("freeH").asString())).append(" |\n");
		md.append("| Java | ").append(cell(machine.path("java").asString())).append(" |\n");
		md.append("| redis-server | ").append(cell(machine.path("redisServer").asString())).append(" |\n");
		md.append("| load average (1, 5, 15 min) | ");
		List<String> loads = new ArrayList<>();
		this.summary.path("loadAverage")
			.properties()
			.forEach((e) -> loads.add(e.getKey().replace('|', '/') + ": " + e.getValue().asString()));
		md.append(String.join("; ", loads)).append(" (the harness's own threads count too) |\n");
		md.append("| PostgreSQL | ")
			.append(postgres() ? cell(this.summary.path("postgresVersion").asString())
					: "not used: " + cell(this.summary.path("postgresProblem").asString()))
			.append(" |\n\n");
		JsonNode workload = this.summary.path("workload");
		JsonNode jmhConfig = this.summary.path("jmh");
		md.append(String.format(Locale.ROOT,
				"Workload: %,d stored OIDC authorization-code grants of %,d users; access token %d characters, ID token %d, "
						+ "refresh token %d; access 5 min, refresh 8 h. JMH %s, %d warm-up iteration of %d s, %d measurement "
						+ "iterations of %d s, throughput; ± is JMH's 99.9%% confidence half-width.\n\n",
				workload.path("grants").asInt(), workload.path("users").asInt(),
				workload.path("accessTokenChars").asInt(), workload.path("idTokenChars").asInt(),
				workload.path("refreshTokenChars").asInt(),
				(jmhConfig.path("forks").asInt() == 0)
						? "in the harness's JVM (forks 0: warm from filling the stores through their own code)"
						: jmhConfig.path("forks").asInt() + " fork(s)",
				jmhConfig.path("warmupIterations").asInt(), jmhConfig.path("warmupSeconds").asInt(),
				jmhConfig.path("measurementIterations").asInt(), jmhConfig.path("measurementSeconds").asInt()));

		md.append("![Operations per second, log scale](results/chart.svg)\n\n");
		md.append("### Store operations, operations per second (higher is better)\n\n");
		md.append("| Operation | Threads |");
		for (String store : STORE_NAMES.values()) {
			md.append(' ').append(store).append(" |");
		}
		md.append(" ours ÷ in-memory | ours ÷ JDBC with indexes |\n");
		md.append("| --- | ---: |").append(" ---: |".repeat(STORE_NAMES.size() + 2)).append('\n');
		for (String operation : OPERATIONS) {
			for (int threads : new int[] { 1, 8 }) {
				md.append("| ").append(OPERATION_NAMES.get(operation)).append(" | ").append(threads).append(" |");
				for (String store : STORE_NAMES.keySet()) {
					md.append(' ').append(scoreCell(operation, threads, store)).append(" |");
				}
				md.append(' ').append(ratio(opsPerSecond(operation, threads, Stores.REDIS),
						opsPerSecond(operation, threads, Stores.INMEMORY))).append(" |");
				md.append(' ').append(ratio(opsPerSecond(operation, threads, Stores.REDIS),
						opsPerSecond(operation, threads, Stores.JDBC_INDEXED))).append(" |\n");
			}
		}
		md.append('\n');

		md.append("### Counts (stable on a noisy machine)\n\n");
		md.append("Our store keeps token lookups as ")
			.append("hash-fields".equals(this.summary.path("lookups").asString())
					? "hash fields (`sas-redis.lookup-layout=hash-fields`)" : "keys (`sas-redis.lookup-layout=keys`)")
			.append(" in every row of ours.\n\n");
		JsonNode redis = this.summary.path("redis");
		md.append("| Operation (ours) | Round trips | Commands per call | Redis server time per call |\n");
		md.append("| --- | ---: | --- | ---: |\n");
		for (String operation : OPERATIONS) {
			JsonNode op = redis.path("operations").path(operation);
			if (op.isMissingNode()) {
				continue;
			}
			List<String> commands = new ArrayList<>();
			op.path("commands").properties().forEach((e) -> commands.add(e.getKey() + " " + number(e.getValue().asDouble())));
			md.append("| ").append(OPERATION_NAMES.get(operation)).append(" | ")
				.append(number(op.path("roundTrips").asDouble())).append(" | ")
				.append(String.join(", ", commands)).append(" | ")
				.append(number(op.path("redisServerMicros").asDouble())).append(" µs |\n");
		}
		md.append('\n');
		JsonNode instructions = this.summary.path("redisInstructions");
		if (instructions.has("rotate")) {
			md.append(String.format(Locale.ROOT,
					"Instructions redis-server executes per call (valgrind's callgrind, a count that moves far less with "
							+ "the machine's load than a time (within about 1 %%); %s): rotate %,d = findByToken %,d + save %,d",
					instructions.path("method").asString(), instructions.path("rotate").asLong(),
					instructions.path("findByToken").asLong(), instructions.path("save").asLong()));
			if (instructions.has("rotateWithTimer")) {
				md.append(String.format(Locale.ROOT,
						" (%,d per rotation with the timer left in, as earlier revisions counted: it runs 10 times a "
								+ "second, and valgrind makes the longer run last seconds longer)",
						instructions.path("rotateWithTimer").asLong()));
			}
			md.append(".\n\n");
		}
		else if (this.summary.has("redisInstructionsProblem")) {
			md.append("Instructions redis-server executes per call: not counted ("
					+ this.summary.path("redisInstructionsProblem").asString() + ").\n\n");
		}
		md.append("| Storage | Measured |\n| --- | ---: |\n");
		md.append(String.format(Locale.ROOT, "| Redis memory per grant (`used_memory` delta / %,d) | %,.0f bytes (%.2f KiB) |\n",
				redis.path("grants").asInt(), redis.path("memoryPerGrant").asDouble(),
				redis.path("memoryPerGrant").asDouble() / 1024));
		md.append(String.format(Locale.ROOT, "| Redis keys per grant (`DBSIZE` / %,d) | %s (%,d keys) |\n",
				redis.path("grants").asInt(), number(redis.path("keysPerGrant").asDouble()),
				redis.path("keys").asLong()));
		JsonNode keysLayout = this.summary.path("redisLookupKeys");
		if (keysLayout.has("memoryPerGrant")) {
			md.append(String.format(Locale.ROOT,
					"| The same grants with lookups as keys (`sas-redis.lookup-layout=keys`), same redis-server: memory, keys per grant | %,.0f bytes (%.2f KiB), %s |\n",
					keysLayout.path("memoryPerGrant").asDouble(), keysLayout.path("memoryPerGrant").asDouble() / 1024,
					number(keysLayout.path("keysPerGrant").asDouble())));
		}
		md.append(String.format(Locale.ROOT, "| Redis fill, 8 threads, one `save` each | %,.0f grants/s |\n",
				redis.path("grants").asDouble() / redis.path("fillSeconds").asDouble()));
		if (postgres()) {
			for (String store : List.of(Stores.JDBC, Stores.JDBC_INDEXED)) {
				JsonNode pg = this.summary.path("postgres").path(store);
				md.append(String.format(Locale.ROOT,
						"| PostgreSQL, %s: `pg_total_relation_size` / rows | %,.0f bytes (heap %,d MB, indexes %,d MB, TOAST the rest) |\n",
						STORE_NAMES.get(store), pg.path("totalBytesPerRow").asDouble(),
						pg.path("heapSize").asLong() >> 20, pg.path("indexesSize").asLong() >> 20));
				md.append(String.format(Locale.ROOT, "| PostgreSQL, %s: avg `pg_column_size(t.*)` | %,.0f bytes |\n",
						STORE_NAMES.get(store), pg.path("avgRowColumnSize").asDouble()));
			}
		}
		md.append(String.format(Locale.ROOT, "| `SCAN`/`KEYS` calls during all of the above | %d |\n\n",
				redis.path("scanOrKeysCalls").asLong()));

		JsonNode small = this.summary.path("redisSmall");
		md.append(String.format(Locale.ROOT,
				"Redis memory per grant by kind of key (`MEMORY USAGE`, on a store of %,d grants of %,d users):\n\n",
				small.path("grants").asInt(), small.path("users").asInt()));
		md.append("| Key | Keys per grant | Bytes per grant |\n| --- | ---: | ---: |\n");
		double sum = 0;
		for (var entry : small.path("memoryUsageByKeyKind").properties()) {
			md.append("| `").append(entry.getKey()).append(":…` | ")
				.append(number(entry.getValue().path("keysPerGrant").asDouble())).append(" | ")
				.append(String.format(Locale.ROOT, "%,.0f", entry.getValue().path("bytesPerGrant").asDouble()))
				.append(" |\n");
			sum += entry.getValue().path("bytesPerGrant").asDouble();
		}
		md.append(String.format(Locale.ROOT, "| total | | %,.0f |\n\n", sum));

		JsonNode keyspace = this.summary.path("keyspace");
		md.append(String.format(Locale.ROOT,
				"List and revoke-all, one thread, median µs per call (one call on each store in turn): %,d grants %s µs / %s µs, %,d grants %s µs / %s µs.\n\n",
				keyspace.path("smallGrants").asInt(), number(keyspace.path("small").path("listMicros").asDouble()),
				number(keyspace.path("small").path("revokeAllMicros").asDouble()), redis.path("grants").asInt(),
				number(keyspace.path("full").path("listMicros").asDouble()),
				number(keyspace.path("full").path("revokeAllMicros").asDouble())));

		md.append("### End to end: refresh-token grants per second against the demo server over HTTP\n\n");
		if (this.summary.has("endToEnd")) {
			JsonNode e2e = this.summary.path("endToEnd");
			JsonNode warm = e2e.path("grants100").path("warmUp");
			md.append(String.format(Locale.ROOT,
					"%d client threads (Java HttpClient, keep-alive) and the demo server in one JVM; rotation on, each "
							+ "thread uses the refresh token it got last. Warm-up: passes of %d s per store until the JIT "
							+ "has settled (a pass spends under %.0f %% of its time compiling, twice in a row; at most %d s): "
							+ "%s s in %d passes before the 100-grant rows%s. Then %d s measured per store in alternating "
							+ "rounds with 100 grants (half as long with 100,000). The demo client's `{noop}` secret is "
							+ "checked as it is (a `PasswordEncoder` bean that does not upgrade it); the last row is the "
							+ "demo as it runs by default, where SAS re-encodes the secret with BCrypt after its first "
							+ "use.\n\n",
					e2e.path("threads").asInt(), e2e.path("warmupSeconds").asInt(),
					100 * e2e.path("settledCompilingShare").asDouble(), e2e.path("maxWarmupSeconds").asInt(),
					number(warm.path("seconds").asDouble()), warm.path("passes").asInt(),
					warm.path("settled").isString() ? " (**JIT not observed**: this JVM reports no compile time)"
							: warm.path("settled").asBoolean(true) ? "" : " (**not settled** within the limit)",
					e2e.path("measuredSeconds").asInt()));
			md.append("| Stored grants | ours (Redis) | in-memory | ours ÷ in-memory | errors (ours / in-memory) | JIT compiling while measured, ms (ours / in-memory) |\n");
			md.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
			for (String key : List.of("grants100", "grants" + Workload.GRANTS, "bcryptGrants" + Workload.GRANTS)) {
				JsonNode row = e2e.path(key);
				if (row.isMissingNode()) {
					continue;
				}
				String label = key.startsWith("bcrypt")
						? String.format(Locale.ROOT, "%,d + 100, BCrypt client secret (demo default)", Workload.GRANTS)
						: key.equals("grants100") ? "100" : String.format(Locale.ROOT, "%,d + 100", Workload.GRANTS);
				double ours = row.path(Stores.REDIS).path("requestsPerSecond").asDouble(Double.NaN);
				double memory = row.path(Stores.INMEMORY).path("requestsPerSecond").asDouble(Double.NaN);
				md.append(String.format(Locale.ROOT, "| %s | %s/s | %s/s | %s | %d / %d | %,d / %,d |\n", label,
						number(ours), number(memory), ratio(ours, memory), row.path(Stores.REDIS).path("errors").asLong(),
						row.path(Stores.INMEMORY).path("errors").asLong(),
						row.path(Stores.REDIS).path("compilingMillis").asLong(),
						row.path(Stores.INMEMORY).path("compilingMillis").asLong()));
			}
			JsonNode profiles = e2e.path("profile100");
			if (profiles.has(Stores.REDIS) && profiles.has(Stores.INMEMORY)) {
				JsonNode oursProfile = profiles.path(Stores.REDIS).path("requestThreads");
				JsonNode memoryProfile = profiles.path(Stores.INMEMORY).path("requestThreads");
				md.append(String.format(Locale.ROOT,
						"%nWhere the request threads' time goes, 100 stored grants, one more round of each under JFR (execution "
								+ "samples every 10 ms; ours %s/s with %,d samples, in-memory %s/s with %,d samples; share of "
								+ "the request threads' samples with the method on the stack):%n%n",
						number(profiles.path(Stores.REDIS).path("requestsPerSecond").asDouble()),
						oursProfile.path("samples").asLong(),
						number(profiles.path(Stores.INMEMORY).path("requestsPerSecond").asDouble()),
						memoryProfile.path("samples").asLong()));
				md.append("| Method | What | ours (Redis) | in-memory |\n| --- | --- | ---: | ---: |\n");
				JsonNode oursMethods = oursProfile.path("watchedMethods");
				JsonNode memoryMethods = memoryProfile.path("watchedMethods");
				for (int i = 0; i < oursMethods.size(); i++) {
					String name = oursMethods.get(i).path("method").asString();
					md.append("| `").append(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1))
						.append("` | ").append(oursMethods.get(i).path("what").asString()).append(" | ")
						.append(oursMethods.get(i).path("inclusiveShare").asDouble()).append(" % | ")
						.append(memoryMethods.get(i).path("inclusiveShare").asDouble()).append(" % |\n");
				}
			}
			JsonNode oursCpu = e2e.path("grants100").path(Stores.REDIS).path("cpuMicrosPerRequest");
			JsonNode memoryCpu = e2e.path("grants100").path(Stores.INMEMORY).path("cpuMicrosPerRequest");
			if (oursCpu.isObject() && memoryCpu.isObject()) {
				md.append(String.format(Locale.ROOT,
						"%nWhere a refresh grant's CPU goes, counted (not sampled), 100 stored grants: CPU time of the "
								+ "JVM's threads by name (`ThreadMXBean`), of the JVM, of redis-server and of the machine "
								+ "over the measured rounds above, divided by the requests answered (%s for ours, %s for "
								+ "the in-memory store). The load generator runs in the same JVM and on the same cores; "
								+ "idle is time no core had work; the in-memory server's redis-server row is an idle Redis "
								+ "its context connects to and never uses.%n%n",
						number(e2e.path("grants100").path(Stores.REDIS).path("requests").asDouble()),
						number(e2e.path("grants100").path(Stores.INMEMORY).path("requests").asDouble())));
				md.append("| Where | ours (Redis), µs per request | in-memory, µs per request | difference |\n");
				md.append("| --- | ---: | ---: | ---: |\n");
				double oursTotal = 0;
				double memoryTotal = 0;
				for (var entry : oursCpu.properties()) {
					double ours = entry.getValue().asDouble();
					double memory = memoryCpu.path(entry.getKey()).asDouble();
					if (!entry.getKey().equals("idle") && !entry.getKey().startsWith("stolen")) {
						oursTotal += ours;
						memoryTotal += memory;
					}
					md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", entry.getKey(), number(ours),
							number(memory), signed(ours - memory)));
				}
				md.append(String.format(Locale.ROOT, "| all but idle and steal | %s | %s | %s |%n",
						number(oursTotal), number(memoryTotal), signed(oursTotal - memoryTotal)));
			}
			md.append('\n');
		}
		else {
			md.append("Not measured: ").append(this.summary.path("endToEndProblem").asString("not run")).append("\n\n");
		}

		md.append("### Targets\n\n");
		md.append("| Target | Measured | Met |\n| --- | --- | --- |\n");
		for (String[] row : targets()) {
			md.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
		}
		md.append('\n');

		JsonNode profile = this.summary.path("profile");
		if (profile.has("allThreads")) {
			md.append("### Profile: rotate, ours, 8 threads (JFR execution samples every 10 ms, all threads of the harness's JVM)\n\n");
			md.append(String.format(Locale.ROOT, "%s ops/s while recording; %,d samples.\n\n",
					number(profile.path("opsPerSecondUnderJfr").asDouble()),
					profile.path("allThreads").path("samples").asLong()));
			md.append("| Innermost recognised area on the stack | Share of samples |\n| --- | ---: |\n");
			for (var entry : profile.path("allThreads").path("inclusiveShareByArea").properties()) {
				md.append("| ").append(entry.getKey()).append(" | ").append(entry.getValue().asDouble()).append(" % |\n");
			}
			md.append("\n| Method (inclusive: on the stack) | What | Share of samples |\n| --- | --- | ---: |\n");
			for (JsonNode method : profile.path("allThreads").path("watchedMethods")) {
				String name = method.path("method").asString();
				md.append("| `").append(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1))
					.append("` | ").append(method.path("what").asString()).append(" | ")
					.append(method.path("inclusiveShare").asDouble()).append(" % |\n");
			}
			md.append("\n| Top frame (self) | Share of samples |\n| --- | ---: |\n");
			for (var entry : profile.path("allThreads").path("topSelfFrames").properties()) {
				md.append("| `").append(entry.getKey()).append("` | ").append(entry.getValue().asDouble()).append(" % |\n");
			}
			md.append('\n');
		}

		JsonNode cpu = this.summary.path("cpu");
		if (cpu.has("cpuMicrosPerRotation")) {
			int cores = cpu.path("cores").asInt(2);
			md.append(String.format(Locale.ROOT,
					"### Where a rotate's CPU goes, counted (not sampled): rotate, ours, %d threads%n%n"
							+ "CPU time of each thread (`ThreadMXBean`, native code and the kernel included), of the JVM, of "
							+ "redis-server (`/proc/<pid>/stat`) and of the machine (`/proc/stat`) over %s s after a warm-up, "
							+ "divided by the %s rotations per second done meanwhile. 10,000 rotations per second on %d cores "
							+ "leave %,d µs per rotation for all of it.%n%n| Where | CPU µs per rotation |%n| --- | ---: |%n",
					cpu.path("threads").asInt(), number(cpu.path("seconds").asDouble()),
					number(cpu.path("rotationsPerSecond").asDouble()), cores, cores * 100));
			for (var entry : cpu.path("cpuMicrosPerRotation").properties()) {
				md.append("| ").append(entry.getKey()).append(" | ").append(number(entry.getValue().asDouble()))
					.append(" |\n");
			}
			md.append(String.format(Locale.ROOT, "| all but idle | %s |%n%n",
					number(cpu.path("busyMicrosPerRotation").asDouble())));
		}
		if (!this.codec.isEmpty()) {
			md.append("### The rotating thread's parts of a rotate, one at a time (JMH, 1 thread, µs per call)\n\n");
			md.append("| Part | µs per call |\n| --- | ---: |\n");
			for (var entry : CODEC_NAMES.entrySet()) {
				double[] score = this.codec.get(entry.getKey());
				if (score != null) {
					md.append("| ").append(entry.getValue()).append(" | ").append(number(score[0]))
						.append(Double.isNaN(score[1]) ? "" : " ± " + number(score[1])).append(" |\n");
				}
			}
			md.append('\n');
		}
		return md.toString();
	}

	static final Map<String, String> CODEC_NAMES = codecNames();

	private static Map<String, String> codecNames() {
		Map<String, String> names = new LinkedHashMap<>();
		names.put("documentRead", "read the stored JSON document (attributes from the cache, as a rotation finds them)");
		names.put("documentReadAndWrite", "read it and write the rotated grant's (what a rotation does with documents)");
		names.put("compress", "compress a document (zlib level 3, preset dictionary; native code, which JFR's samples do not see)");
		names.put("decompress", "decompress it");
		names.put("digest", "HMAC-SHA-256 digest of a JWT-sized access token");
		return names;
	}

	List<String[]> targets() {
		List<String[]> rows = new ArrayList<>();
		double ours = opsPerSecond("rotate", 8, Stores.REDIS);
		double indexed = opsPerSecond("rotate", 8, Stores.JDBC_INDEXED);
		if (postgres() && !Double.isNaN(indexed)) {
			double r = ours / indexed;
			rows.add(new String[] { "rotate, 8 threads: ≥ 10× JDBC with indexes",
					String.format(Locale.ROOT, "%s× (%s/s vs %s/s)", number(r), number(ours), number(indexed)),
					met(r >= 10, String.format(Locale.ROOT, "short by %.1f×", 10 / r)) });
		}
		else {
			rows.add(new String[] { "rotate, 8 threads: ≥ 10× JDBC with indexes", "no PostgreSQL", "not measured" });
		}
		rows.add(new String[] { "rotate, 8 threads: ≥ 10,000/s", number(ours) + "/s",
				met(ours >= 10_000, String.format(Locale.ROOT, "short by %.0f/s (%.0f %% of the target)",
						10_000 - ours, ours / 100)) });
		double floor = opsPerSecond("redisFloor", 8, Stores.REDIS);
		if (!Double.isNaN(floor)) {
			rows.add(new String[] { "(context) rotate, 8 threads, against the floor of two plain round trips",
					String.format(Locale.ROOT, "%s/s is %.0f %% of the floor's %s/s", number(ours), 100 * ours / floor,
							number(floor)),
					(floor >= 10_000) ? "context: the floor itself reaches 10,000/s here"
							: String.format(Locale.ROOT, "context: the floor itself reaches %.0f %% of 10,000/s here",
									floor / 100) });
		}
		double save = roundTrips("save");
		rows.add(new String[] { "save = 1 round trip", number(save), met(save <= 1.0, "over by " + number(save - 1)) });
		double find = roundTrips("findByToken");
		rows.add(new String[] { "findByToken ≤ 2 round trips", number(find), met(find <= 2.0, "over by " + number(find - 2)) });
		JsonNode keyspace = this.summary.path("keyspace");
		double listRatio = keyspace.path("full").path("listMicros").asDouble()
				/ keyspace.path("small").path("listMicros").asDouble();
		double revokeRatio = keyspace.path("full").path("revokeAllMicros").asDouble()
				/ keyspace.path("small").path("revokeAllMicros").asDouble();
		long scans = this.summary.path("redis").path("scanOrKeysCalls").asLong();
		rows.add(new String[] { "list and revoke-all independent of the keyspace size",
				String.format(Locale.ROOT,
						"%s and %s round trips; no SCAN/KEYS (%d calls); median µs per call at 100× the keyspace: list %s×, revoke-all %s×",
						number(roundTrips("listUserTokens")), number(roundTrips("revokeAllOfUser")), scans,
						number(listRatio), number(revokeRatio)),
				met(scans == 0 && listRatio < 1.5 && revokeRatio < 1.5, "grows with the keyspace") });
		double memory = this.summary.path("redis").path("memoryPerGrant").asDouble();
		rows.add(new String[] { "≤ 2 KiB of Redis memory per OIDC grant",
				String.format(Locale.ROOT, "%.2f KiB", memory / 1024),
				met(memory <= 2048, String.format(Locale.ROOT, "over by %,.0f bytes (%.1f× the target)", memory - 2048,
						memory / 2048)) });
		double keys = this.summary.path("redis").path("keysPerGrant").asDouble();
		rows.add(new String[] { "≤ 4 keys per grant",
				number(keys) + " (DBSIZE / grants; the user index is shared by a user's grants)",
				met(keys <= 4, "over by " + number(keys - 4)) });
		double small = endToEnd(100, Stores.REDIS) / endToEnd(100, Stores.INMEMORY);
		if (this.summary.has("endToEnd")) {
			rows.add(new String[] { "end to end, 100 stored grants: ≥ 0.85× in-memory", number(small) + "×",
					met(small >= 0.85, String.format(Locale.ROOT, "short by %.2f", 0.85 - small)) });
			double large = endToEnd(Workload.GRANTS, Stores.REDIS) / endToEnd(Workload.GRANTS, Stores.INMEMORY);
			rows.add(new String[] { String.format(Locale.ROOT, "end to end, %,d stored grants: reported", Workload.GRANTS),
					number(large) + "× in-memory", "reported" });
		}
		else {
			rows.add(new String[] { "end to end ≥ 0.85× in-memory", "not measured", "not measured" });
		}
		return rows;
	}

	private static String met(boolean met, String otherwise) {
		return met ? "**met**" : "**missed**: " + otherwise;
	}

	private String scoreCell(String operation, int threads, String store) {
		double[] score = score(operation, threads, store);
		if (score == null) {
			if (store.equals(Stores.REDIS_UNCACHED) && !Stores.UNCACHED_OPERATIONS.contains(operation)) {
				return "n/a";
			}
			if (!OURS_ONLY.contains(operation)) {
				if ((store.equals(Stores.JDBC) || store.equals(Stores.JDBC_INDEXED)) && !postgres()) {
					return "no PostgreSQL";
				}
				return "failed";
			}
			return store.equals(Stores.REDIS) ? "failed" : "n/a";
		}
		if (Double.isNaN(score[1])) {
			return number(score[0]);
		}
		return number(score[0]) + " ± " + number(score[1]);
	}

	static String ratio(double a, double b) {
		if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
			return "";
		}
		return number(a / b) + "×";
	}

	/** A difference, signed, as {@link #number} writes magnitudes. */
	static String signed(double value) {
		return ((value < 0) ? "-" : "+") + number(Math.abs(value));
	}

	static String number(double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return "–";
		}
		double abs = Math.abs(value);
		if (abs >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (abs >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		if (abs >= 0.1 || abs == 0) {
			return String.format(Locale.ROOT, "%.2f", value).replaceAll("\\.?0+$", "");
		}
		return String.format(Locale.ROOT, "%.2g", value);
	}

	private static String cell(String text) {
		return text.replace("|", "\\|").replace("\n", " ");
	}

	private static String freeSummary(String free) {
		for (String line : free.split("\n")) {
			if (line.startsWith("Mem:")) {
				String[] parts = line.trim().split("\\s+");
				return "Mem: total " + parts[1] + ", used " + parts[2] + ", available " + parts[parts.length - 1];
			}
		}
		return cell(free);
	}

	// ------------------------------------------------------------------ chart

	String svg() {
		List<String> stores = new ArrayList<>(STORE_NAMES.keySet());
		int labelWidth = 250;
		int plotWidth = 560;
		int valueWidth = 150;
		int barHeight = 8;
		int rowGap = 3;
		int groupGap = 14;
		int top = 58;
		StringBuilder bars = new StringBuilder();
		double max = 1;
		for (var perThreads : this.scores.values()) {
			for (var perStore : perThreads.values()) {
				for (double[] score : perStore.values()) {
					max = Math.max(max, score[0]);
				}
			}
		}
		for (String store : List.of(Stores.REDIS, Stores.INMEMORY)) {
			for (int grants : new int[] { 100, Workload.GRANTS }) {
				double value = endToEnd(grants, store);
				if (!Double.isNaN(value)) {
					max = Math.max(max, value);
				}
			}
		}
		int decades = (int) Math.ceil(Math.log10(max));
		double scale = plotWidth / (double) decades;
		int y = top;
		for (String operation : OPERATIONS) {
			bars.append(text(8, y + 10, OPERATION_NAMES.get(operation), "bold"));
			y += 14;
			for (String store : stores) {
				boolean any = false;
				for (int threads : new int[] { 1, 8 }) {
					double[] score = score(operation, threads, store);
					if (score != null) {
						any = true;
					}
				}
				if (!any) {
					continue;
				}
				bars.append(text(20, y + 2 * barHeight, STORE_NAMES.get(store), null));
				for (int threads : new int[] { 1, 8 }) {
					double[] score = score(operation, threads, store);
					double value = (score != null) ? score[0] : 0;
					double width = (value >= 1) ? Math.log10(value) * scale : 1;
					bars.append(String.format(Locale.ROOT,
							"<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"%s\"><title>%s, %s, %d thread(s): %s ops/s</title></rect>%n",
							labelWidth, y, width, barHeight, COLORS.get(store), (threads == 1) ? "0.45" : "1",
							operation, STORE_NAMES.get(store), threads, number(value)));
					bars.append(text((int) (labelWidth + width + 4), y + barHeight - 1,
							number(value) + ((threads == 1) ? " (1 thread)" : " (8 threads)"), "small"));
					y += barHeight + 1;
				}
				y += rowGap;
			}
			y += groupGap;
		}
		if (this.summary.has("endToEnd")) {
			bars.append(text(8, y + 10, "end to end: refresh grants/s over HTTP (8 client threads)", "bold"));
			y += 14;
			for (int grants : new int[] { 100, Workload.GRANTS }) {
				for (String store : List.of(Stores.REDIS, Stores.INMEMORY)) {
					double value = endToEnd(grants, store);
					double width = (value >= 1) ? Math.log10(value) * scale : 1;
					bars.append(text(20, y + barHeight, String.format(Locale.ROOT, "%s, %,d grants", STORE_NAMES.get(store), grants), null));
					bars.append(String.format(Locale.ROOT,
							"<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", labelWidth, y, width,
							barHeight + 2, COLORS.get(store)));
					bars.append(text((int) (labelWidth + width + 4), y + barHeight, number(value) + "/s", "small"));
					y += barHeight + 2 + rowGap;
				}
			}
			y += groupGap;
		}
		int height = y + 30;
		int width = labelWidth + plotWidth + valueWidth;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
				width, height, width, height));
		svg.append("<style>.bold{font-weight:bold}.small{font-size:9px;fill:#333}</style>\n");
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
		svg.append(text(8, 18, String.format(Locale.ROOT,
				"Operations per second, log scale, %,d stored OIDC grants (pale: 1 thread, dark: 8 threads)",
				Workload.GRANTS), "bold"));
		svg.append(text(8, 34, "Generated by benchmarks/run.sh on " + this.summary.path("date").asString() + " from results/results.json and results/summary.json", "small"));
		for (int d = 0; d <= decades; d++) {
			int x = (int) (labelWidth + d * scale);
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n", x, top - 6, x, y));
			svg.append(text(x - 8, top - 8, String.format(Locale.ROOT, "%,d", (long) Math.pow(10, d)), "small"));
		}
		svg.append(bars);
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static String text(int x, int y, String text, String cssClass) {
		String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
		return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\"%s>%s</text>%n", x, y,
				(cssClass != null) ? " class=\"" + cssClass + "\"" : "", escaped);
	}

}
