package io.github.sasredis.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.github.sasredis.test.RedisServerProcess;

import org.springframework.boot.SpringApplication;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Refresh-token grants per second against the demo server over HTTP, with our store and with SAS's in-memory store
 * ({@code sas-redis.enabled=false}), both started in this JVM. Each is pre-seeded through its
 * {@link OAuth2AuthorizationService} bean with grants of the demo client; client threads then post
 * {@code grant_type=refresh_token} for a fixed time, each using the refresh token it got last for each of its grants
 * (rotation is on in the demo). Measured with {@value #SMALL} stored grants, then with the same next to
 * {@link Workload#GRANTS} grants of another client (ours: a new demo server on the harness's pre-filled Redis; the
 * in-memory store: filled here). The two servers are measured in alternating rounds so that neither gets a warmer JIT
 * or a quieter machine.
 */
public final class EndToEnd {

	public static final String DEMO_APPLICATION = "io.github.sasredis.demo.DemoServerApplication";

	static final int SMALL = 100;

	static final String CLIENT_ID = "demo-client";

	static final String CLIENT_SECRET = "demo-secret";

	private final int threads = Integer.getInteger("bench.e2e.threads", 8);

	/** Share of a warm-up pass's time spent compiling under which the JIT counts as settled. */
	static final double SETTLED_COMPILING_SHARE = 0.05;

	private final Duration warmup = Duration.ofSeconds(Long.getLong("bench.e2e.warmup", 3));

	private final Duration maxWarmup = Duration.ofSeconds(Long.getLong("bench.e2e.maxWarmup", 180));

	private final Duration round = Duration.ofSeconds(Long.getLong("bench.e2e.round", 3));

	private final int rounds = Integer.getInteger("bench.e2e.rounds", 4);

	private final Consumer<String> log;

	EndToEnd(Consumer<String> log) {
		this.log = log;
	}

	/**
	 * @return why the demo server cannot be run, or {@code null}
	 */
	static String demoProblem() {
		try {
			Class.forName(DEMO_APPLICATION);
			return null;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return "the demo server (" + DEMO_APPLICATION + ") is not on the class path: build demo-server first ("
					+ ex + ")";
		}
	}

	/**
	 * @param loaded the harness's Redis, holding the {@link Workload#GRANTS} pre-filled grants (of the benchmark
	 * client) through our store
	 * @return requests per second and errors, per number of stored grants and store
	 */
	Map<String, Object> run(RedisServerProcess loaded) throws Exception {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("threads", this.threads);
		result.put("warmupSeconds", this.warmup.toSeconds());
		result.put("maxWarmupSeconds", this.maxWarmup.toSeconds());
		result.put("settledCompilingShare", SETTLED_COMPILING_SHARE);
		result.put("measuredSeconds", this.round.toSeconds() * this.rounds);
		RedisServerProcess empty = Stores.startRedis();
		List<Server> started = new ArrayList<>();
		try {
			// SMALL grants of the demo client, in an empty Redis and in the in-memory store
			Server ours = start(started, new Server("redis", empty, true, "demo-small-"));
			Server inMemory = start(started, new Server("inmemory", empty, false, "demo-small-"));
			for (Server server : List.of(ours, inMemory)) {
				server.seed(SMALL);
			}
			// the first measurement of this JVM: warm up longer
			result.put("grants" + SMALL, measure(List.of(ours, inMemory), 3, this.rounds));
			// one more round of each under JFR: where a request thread's time goes
			Map<String, Object> profiles = new LinkedHashMap<>();
			for (Server server : List.of(ours, inMemory)) {
				profiles.put(server.name, profile(server));
			}
			result.put("profile" + SMALL, profiles);
			ours.close();
			started.remove(ours);
			// the same, next to the GRANTS pre-filled grants (of the benchmark client): the harness's Redis already
			// holds them; the in-memory store gets them here
			Server oursLoaded = start(started, new Server("redis", loaded, true, "demo-large-"));
			oursLoaded.seed(SMALL);
			long start = System.nanoTime();
			Prefill.save(inMemory.service, Workload::seeded, 0, Workload.GRANTS, 2);
			this.log.accept(String.format("end to end: in-memory store filled with %,d more grants in %.1f s",
					Workload.GRANTS, (System.nanoTime() - start) / 1e9));
			result.put("grants" + Workload.GRANTS, measure(List.of(oursLoaded, inMemory), 1, Math.max(2, this.rounds / 2)));
			// the demo as it runs by default: SAS re-encodes the client secret with BCrypt after its first use
			for (Server server : List.of(oursLoaded, inMemory)) {
				server.clientSecrets.delegate = PasswordEncoderFactories.createDelegatingPasswordEncoder();
			}
			result.put("bcryptGrants" + Workload.GRANTS, measure(List.of(oursLoaded, inMemory), 1, 2));
		}
		finally {
			for (Server server : started) {
				server.close();
			}
			empty.stop();
		}
		return result;
	}

	private Map<String, Object> profile(Server server) throws Exception {
		Path recording = Path.of(System.getProperty("bench.work", System.getProperty("java.io.tmpdir")))
			.resolve("e2e-" + server.name + ".jfr")
			.toAbsolutePath();
		long[] outcome;
		try (jdk.jfr.Recording jfr = Profile.executionSamples()) {
			jfr.start();
			outcome = server.load(this.round.multipliedBy(2));
			jfr.stop();
			jfr.dump(recording);
		}
		Map<String, Object> profile = new LinkedHashMap<>();
		profile.put("requestsPerSecond", Counts.round(outcome[0] / (outcome[2] / 1e9)));
		profile.put("requestThreads", Profile.summarise(recording, "http-nio", 10, Profile.REQUEST_WATCHED));
		Files.deleteIfExists(recording);
		return profile;
	}

	private static Server start(List<Server> started, Server server) {
		started.add(server);
		return server;
	}

	/**
	 * Warms both servers up until the JIT has settled, then measures them in alternating rounds, in A B B A order so
	 * that a trend of the machine (or of the JIT) weighs on both alike.
	 */
	private Map<String, Object> measure(List<Server> servers, int minimumWarmupPasses, int rounds)
			throws InterruptedException, java.io.IOException {
		Map<String, Object> warmUp = warmUp(servers, minimumWarmupPasses);
		Map<String, long[]> totals = new LinkedHashMap<>();
		Map<String, CpuAccount.Usage> usage = new LinkedHashMap<>();
		for (int r = 0; r < rounds; r++) {
			List<Server> order = new ArrayList<>(servers);
			if (r % 2 == 1) {
				java.util.Collections.reverse(order);
			}
			for (Server server : order) {
				long compiling = compilingMillis();
				CpuAccount.Usage before = CpuAccount.Usage.take(server.redisPid, CPU_GROUPS);
				long clientThreadsBefore = server.clientThreadsCpu.sum();
				long[] outcome = server.load(this.round);
				// the client threads live within the round (started and joined by load): they count their own CPU
				CpuAccount.Usage used = CpuAccount.Usage.take(server.redisPid, CPU_GROUPS)
					.minus(before)
					.plusGroup(LOAD_GENERATOR, server.clientThreadsCpu.sum() - clientThreadsBefore);
				usage.merge(server.name, used, CpuAccount.Usage::plus);
				long[] total = totals.computeIfAbsent(server.name, (name) -> new long[4]);
				for (int i = 0; i < 3; i++) {
					total[i] += outcome[i];
				}
				total[3] += compilingMillis() - compiling;
			}
		}
		Map<String, Object> result = new LinkedHashMap<>();
		totals.forEach((name, total) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("requestsPerSecond", Counts.round(total[0] / (total[2] / 1e9)));
			row.put("requests", total[0]);
			row.put("errors", total[1]);
			row.put("compilingMillis", total[3]);
			row.put("cpuMicrosPerRequest", cpuPerRequest(usage.get(name), total[0]));
			result.put(name, row);
			this.log.accept(String.format("end to end: %s %s", name, row));
		});
		result.put("warmUp", warmUp);
		return result;
	}

	/**
	 * The threads whose CPU the measured rounds count, by name: Tomcat's request threads, its other threads (poller,
	 * acceptor), the load generator's {@code HttpClient} threads (the client threads themselves, which start and end
	 * within a round, add their own CPU), Lettuce's event loop. One server is loaded at a time, so each group's time
	 * in a round is that server's (or its load's).
	 */
	static final List<Predicate<String>> CPU_GROUPS = List.of(
			(name) -> name.startsWith("http-nio-") && name.contains("-exec-"), (name) -> name.startsWith("http-nio-"),
			(name) -> name.startsWith("HttpClient-"), (name) -> name.startsWith("lettuce-"));

	/** The load generator's place in {@link #CPU_GROUPS}. */
	static final int LOAD_GENERATOR = 2;

	/** CPU µs per request answered, by where it was spent (CPU_GROUPS, the rest of the JVM, the machine). */
	private static Map<String, Object> cpuPerRequest(CpuAccount.Usage used, long requests) {
		Map<String, Object> perRequest = new LinkedHashMap<>();
		perRequest.put("request threads (Tomcat's: the whole grant, JWT signing and the store's client side included)",
				CpuAccount.micros(used.groups()[0], requests));
		perRequest.put("Tomcat's poller and acceptor", CpuAccount.micros(used.groups()[1], requests));
		perRequest.put("load generator (client threads, HttpClient)", CpuAccount.micros(used.groups()[2], requests));
		perRequest.put("Lettuce's event loop", CpuAccount.micros(used.groups()[3], requests));
		perRequest.put("rest of the JVM (GC, JIT compilers, other threads)",
				CpuAccount.micros(used.restOfProcess(), requests));
		used.putMachine(perRequest, requests, "redis-server");
		return perRequest;
	}

	/**
	 * Loads each server in turn, in passes of {@link #warmup} each, until the JIT has settled: a pass in which the
	 * compiler threads spent less than {@link #SETTLED_COMPILING_SHARE} of the pass's time compiling, twice in a
	 * row, after at least the given number of passes, or {@link #maxWarmup} at most. A first demo server keeps C2
	 * busy for about a minute on 2 cores (seconds of compiling per pass), during which both servers serve about
	 * half of what they serve warm, ours and the in-memory store unequally: measuring then measured the JIT.
	 */
	private Map<String, Object> warmUp(List<Server> servers, int minimumPasses) throws InterruptedException {
		long start = System.nanoTime();
		int passes = 0;
		int settledPasses = 0;
		long lastPassCompiling = -1;
		boolean monitored = compilingMillis() >= 0;
		// a pass takes one warm-up period per server: start one only if it ends within the cap
		long passNanos = this.warmup.toNanos() * servers.size();
		while (passes < minimumPasses || (monitored && settledPasses < 2)) {
			if (passes > 0 && System.nanoTime() - start + passNanos > this.maxWarmup.toNanos()) {
				break;
			}
			long passStart = System.nanoTime();
			long compiling = compilingMillis();
			for (Server server : servers) {
				server.load(this.warmup);
			}
			lastPassCompiling = compilingMillis() - compiling;
			long passMillis = (System.nanoTime() - passStart) / 1_000_000;
			settledPasses = (lastPassCompiling < SETTLED_COMPILING_SHARE * passMillis) ? settledPasses + 1 : 0;
			passes++;
		}
		Map<String, Object> warmUp = new LinkedHashMap<>();
		warmUp.put("seconds", Counts.round((System.nanoTime() - start) / 1e9));
		warmUp.put("passes", passes);
		// where the JVM does not report compile time, the minimum passes ran and nothing is known of the JIT
		warmUp.put("settled", monitored ? settledPasses >= 2 : "unknown (no compile time reported by this JVM)");
		warmUp.put("lastPassCompilingMillis", lastPassCompiling);
		this.log.accept("end to end: warm-up " + warmUp);
		return warmUp;
	}

	/** Milliseconds the JIT's compiler threads have spent compiling so far, or -1 where the JVM does not tell. */
	private static long compilingMillis() {
		CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
		return (compilation != null && compilation.isCompilationTimeMonitoringSupported())
				? compilation.getTotalCompilationTime() : -1;
	}

	/** One demo server with its seeded grants and the refresh token each worker uses next. */
	private final class Server implements AutoCloseable {

		final String name;

		final ConfigurableApplicationContext context;

		final OAuth2AuthorizationService service;

		final RegisteredClient client;

		final URI tokenUri;

		/** The redis-server the store of ours uses (the in-memory server's context connects to it too, unused). */
		final long redisPid;

		final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

		final String authorization = "Basic " + Base64.getEncoder()
			.encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));

		final List<List<String>> workerTokens = new ArrayList<>();

		final String idPrefix;

		final ClientSecretEncoder clientSecrets = new ClientSecretEncoder();

		/** CPU time (ns) the client threads of {@link #load} used, each adding its own as it ends. */
		final LongAdder clientThreadsCpu = new LongAdder();

		Server(String name, RedisServerProcess redis, boolean ours, String idPrefix) throws ClassNotFoundException {
			this.name = name;
			this.idPrefix = idPrefix;
			this.redisPid = redis.pid();
			SpringApplication application = new SpringApplication(Class.forName(DEMO_APPLICATION));
			application.addInitializers((context) -> context.getBeanFactory()
				.registerSingleton("benchClientSecretEncoder", this.clientSecrets));
			if (!ours) {
				// With sas-redis.enabled=false SAS creates `new InMemoryOAuth2AuthorizationService()` itself, out of
				// reach; the same object as a bean is what SAS then uses, and lets the harness seed it.
				application.addInitializers((context) -> context.getBeanFactory()
					.registerSingleton("benchInMemoryAuthorizationService", new InMemoryOAuth2AuthorizationService()));
			}
			this.context = application.run("--server.port=0", "--spring.data.redis.url=" + redis.uri(),
					"--sas-redis.enabled=" + ours, "--demo.embedded-redis.enabled=false",
					"--sas-redis.lookup-layout=" + (Stores.hashFieldLookups() ? "hash-fields" : "keys"),
					"--logging.level.root=WARN", "--spring.main.banner-mode=off",
					"--spring.application.name=bench-demo-" + name);
			this.service = this.context.getBean(OAuth2AuthorizationService.class);
			this.client = this.context.getBean(RegisteredClientRepository.class).findByClientId(CLIENT_ID);
			if (this.client == null) {
				throw new IllegalStateException("The demo server has no client " + CLIENT_ID);
			}
			String port = this.context.getEnvironment().getProperty("local.server.port");
			this.tokenUri = URI.create("http://127.0.0.1:" + port + "/oauth2/token");
			EndToEnd.this.log.accept("end to end: demo server (" + name + ", "
					+ this.service.getClass().getSimpleName() + ") on port " + port);
		}

		/**
		 * Saves grants of the demo client through the server's store and gives each worker thread its share.
		 * @param grants how many
		 */
		void seed(int grants) {
			Prefill.save(this.service,
					(i) -> Workload.seeded(i, this.client, Workload.userId(i % Workload.USERS), this.idPrefix), 0,
					grants, Counts.FILL_THREADS);
			this.workerTokens.clear();
			for (int t = 0; t < EndToEnd.this.threads; t++) {
				this.workerTokens.add(new ArrayList<>());
			}
			for (int i = 0; i < grants; i++) {
				this.workerTokens.get(i % EndToEnd.this.threads).add(Workload.seededRefreshToken(this.idPrefix, i));
			}
		}

		/**
		 * @return requests answered 200, other answers, nanoseconds
		 */
		long[] load(Duration duration) throws InterruptedException {
			AtomicLong ok = new AtomicLong();
			AtomicLong errors = new AtomicLong();
			long start = System.nanoTime();
			long deadline = start + duration.toNanos();
			List<Thread> workers = new ArrayList<>();
			for (List<String> tokens : this.workerTokens) {
				Thread worker = new Thread(() -> {
					int next = 0;
					while (System.nanoTime() < deadline && !tokens.isEmpty()) {
						int slot = next++ % tokens.size();
						String refreshed = refresh(tokens.get(slot));
						if (refreshed != null) {
							tokens.set(slot, refreshed);
							ok.incrementAndGet();
						}
						else {
							tokens.remove(slot);
							errors.incrementAndGet();
						}
					}
					this.clientThreadsCpu.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
				}, "e2e-" + this.name);
				worker.start();
				workers.add(worker);
			}
			for (Thread worker : workers) {
				worker.join();
			}
			return new long[] { ok.get(), errors.get(), System.nanoTime() - start };
		}

		private String refresh(String refreshToken) {
			HttpRequest request = HttpRequest.newBuilder(this.tokenUri)
				.header("Authorization", this.authorization)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Accept", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + refreshToken))
				.build();
			try {
				HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
				String body = response.body();
				int at = body.indexOf("\"refresh_token\":\"");
				if (response.statusCode() != 200 || at < 0) {
					EndToEnd.this.log.accept("end to end: " + this.name + " answered " + response.statusCode() + " "
							+ body.substring(0, Math.min(200, body.length())));
					return null;
				}
				int from = at + "\"refresh_token\":\"".length();
				return body.substring(from, body.indexOf('"', from));
			}
			catch (Exception ex) {
				EndToEnd.this.log.accept("end to end: " + this.name + " request failed: " + ex);
				return null;
			}
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

	/**
	 * The {@link PasswordEncoder} SAS checks client secrets with (it uses the application's bean when there is one).
	 * It starts with one that keeps the demo's {@code {noop}} secret as it is, so that a refresh costs what the grant
	 * costs (JWT signing, the store) and not BCrypt; SAS's default encoder (switched to last) re-encodes the secret
	 * with BCrypt after its first use, which then dominates every request.
	 */
	@SuppressWarnings("deprecation")
	static final class ClientSecretEncoder implements PasswordEncoder {

		volatile PasswordEncoder delegate = new DelegatingPasswordEncoder("noop",
				Map.of("noop", NoOpPasswordEncoder.getInstance(), "bcrypt", new BCryptPasswordEncoder()));

		@Override
		public String encode(CharSequence rawPassword) {
			return this.delegate.encode(rawPassword);
		}

		@Override
		public boolean matches(CharSequence rawPassword, String encodedPassword) {
			return this.delegate.matches(rawPassword, encodedPassword);
		}

		@Override
		public boolean upgradeEncoding(String encodedPassword) {
			return this.delegate.upgradeEncoding(encodedPassword);
		}

	}

}
