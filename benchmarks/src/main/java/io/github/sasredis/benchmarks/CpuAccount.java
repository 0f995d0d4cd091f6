package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * Where the CPU of a rotate goes, counted rather than sampled: threads rotate grants of their own (as the JMH
 * {@code rotate} benchmark does) and, over a measured window after a warm-up, the harness reads the CPU time of each
 * of its threads ({@link ThreadMXBean}), of its whole process, of the redis-server process ({@code /proc/<pid>/stat})
 * and of the machine ({@code /proc/stat}), and divides each by the rotations done.
 * <p>
 * Unlike JFR's execution samples, which see Java frames only, thread CPU time includes what a thread spends in native
 * code (zlib's deflate and inflate through {@code java.util.zip}) and in the kernel (its socket calls, parking and
 * waking). The budget this is measured against: 10,000 rotations per second on 2 cores leave 200 µs of CPU per
 * rotation for everything on the machine.
 */
final class CpuAccount {

	static final String WORKER_PREFIX = "cpu-account-rotate-";

	/** {@code USER_HZ}, the unit of {@code /proc} CPU times ({@code getconf CLK_TCK}; 100 on Linux for x86 and ARM). */
	private static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

	private CpuAccount() {
	}

	/**
	 * @param service our store
	 * @param redisPid the process id of its redis-server
	 * @param threads rotating threads
	 * @param warmup time before the window
	 * @param window the measured window
	 * @param log progress
	 * @return rotations per second in the window and CPU µs per rotation by where it was spent
	 */
	static Map<String, Object> rotate(OAuth2AuthorizationService service, long redisPid, int threads,
			Duration warmup, Duration window, Consumer<String> log) throws Exception {
		LongAdder rotations = new LongAdder();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> {
				try {
					rotateUntil(service, stop, rotations);
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			}, WORKER_PREFIX + t);
			worker.start();
			workers.add(worker);
		}
		try {
			Thread.sleep(warmup.toMillis());
			Snapshot before = Snapshot.take(redisPid, rotations.sum());
			Thread.sleep(window.toMillis());
			Snapshot after = Snapshot.take(redisPid, rotations.sum());
			if (failure.get() != null) {
				throw new IllegalStateException("a rotation failed", failure.get());
			}
			Map<String, Object> result = after.minus(before, threads);
			log.accept("CPU per rotate, ours, " + threads + " threads: " + result);
			return result;
		}
		finally {
			stop.set(true);
			for (Thread worker : workers) {
				worker.join();
			}
		}
	}

	private static void rotateUntil(OAuth2AuthorizationService service, AtomicBoolean stop, LongAdder rotations) {
		SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
		String[] refreshTokens = Rotations.seed(service, random);
		for (int i = 0; !stop.get(); i++) {
			Rotations.rotate(service, refreshTokens, i % refreshTokens.length, false, random);
			rotations.increment();
		}
	}

	/** The rotate's groups of threads: the rotating threads, then Lettuce's event loop. */
	private static final List<Predicate<String>> ROTATE_GROUPS = List.of((name) -> name.startsWith(WORKER_PREFIX),
			(name) -> name.startsWith("lettuce-"));

	/** CPU times (ns) of a rotate at one moment. */
	private record Snapshot(long rotations, Usage usage) {

		static Snapshot take(long redisPid, long rotations) throws IOException {
			return new Snapshot(rotations, Usage.take(redisPid, ROTATE_GROUPS));
		}

		Map<String, Object> minus(Snapshot before, int threads) {
			long done = this.rotations - before.rotations;
			Usage used = this.usage.minus(before.usage);
			double seconds = used.nanos() / 1e9;
			Map<String, Object> perRotation = new LinkedHashMap<>();
			perRotation.put("rotating threads (our store's client side: JSON, zlib, digests, Lettuce's calls)",
					micros(used.groups()[0], done));
			perRotation.put("Lettuce's event loop (socket reads and writes, replies)", micros(used.groups()[1], done));
			perRotation.put("rest of the JVM (GC, JIT compilers, other threads)", micros(used.restOfProcess(), done));
			used.putMachine(perRotation, done, "redis-server (Lua scripts, commands, its socket calls)");
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("threads", threads);
			result.put("seconds", Counts.round(seconds));
			result.put("rotationsPerSecond", Counts.round(done / seconds));
			result.put("cpuMicrosPerRotation", perRotation);
			result.put("busyMicrosPerRotation", micros(used.machineBusy(), done));
			result.put("cores", Runtime.getRuntime().availableProcessors());
			return result;
		}

	}

	static double micros(long nanos, long operations) {
		return Counts.round(nanos / 1e3 / Math.max(1, operations));
	}

	/**
	 * CPU times (ns) at one moment, or used between two: of groups of this JVM's threads (by name; a thread counts in
	 * the first group that takes it), of the whole JVM, of a redis-server and of the machine. Between two moments a
	 * group counts what each of its threads alive at the second used since the first (all of it for a thread started
	 * in between); a thread that ended in between counts nowhere but in the JVM's total ({@link #restOfProcess}).
	 * @param nanos {@link System#nanoTime()}, or the time between two moments
	 * @param groups CPU time of each group's threads
	 * @param process CPU time of the JVM
	 * @param redis CPU time of the redis-server
	 * @param machineBusy busy time of all cores (user to softirq)
	 * @param machineTotal total time of all cores
	 * @param machineStolen time the hypervisor gave to other guests
	 * @param threads at one moment, each grouped thread's id and its group and CPU time; empty between two
	 */
	record Usage(long nanos, long[] groups, long process, long redis, long machineBusy, long machineTotal,
			long machineStolen, Map<Long, long[]> threads) {

		static Usage take(long redisPid, List<Predicate<String>> groups) throws IOException {
			ThreadMXBean mxBean = ManagementFactory.getThreadMXBean();
			long[] grouped = new long[groups.size()];
			Map<Long, long[]> threads = new HashMap<>();
			for (ThreadInfo info : mxBean.getThreadInfo(mxBean.getAllThreadIds())) {
				if (info == null) {
					continue;
				}
				long cpu = mxBean.getThreadCpuTime(info.getThreadId());
				if (cpu < 0) {
					continue;
				}
				for (int i = 0; i < grouped.length; i++) {
					if (groups.get(i).test(info.getThreadName())) {
						grouped[i] += cpu;
						threads.put(info.getThreadId(), new long[] { i, cpu });
						break;
					}
				}
			}
			long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getProcessCpuTime();
			long[] machine = machine();
			return new Usage(System.nanoTime(), grouped, process, processCpu(redisPid), machine[0], machine[1],
					machine[2], threads);
		}

		Usage minus(Usage before) {
			long[] grouped = new long[this.groups.length];
			this.threads.forEach((id, now) -> {
				long[] then = before.threads.get(id);
				grouped[(int) now[0]] += now[1] - ((then != null) ? then[1] : 0);
			});
			return new Usage(this.nanos - before.nanos, grouped, this.process - before.process,
					this.redis - before.redis, this.machineBusy - before.machineBusy,
					this.machineTotal - before.machineTotal, this.machineStolen - before.machineStolen, Map.of());
		}

		Usage plus(Usage other) {
			long[] grouped = new long[this.groups.length];
			for (int i = 0; i < grouped.length; i++) {
				grouped[i] = this.groups[i] + other.groups[i];
			}
			return new Usage(this.nanos + other.nanos, grouped, this.process + other.process, this.redis + other.redis,
					this.machineBusy + other.machineBusy, this.machineTotal + other.machineTotal,
					this.machineStolen + other.machineStolen, Map.of());
		}

		/**
		 * The same, with CPU time that threads which ended in between used moved into a group (from the JVM's rest).
		 * @param group the group
		 * @param nanos what they used
		 * @return the usage
		 */
		Usage plusGroup(int group, long nanos) {
			long[] grouped = this.groups.clone();
			grouped[group] += nanos;
			return new Usage(this.nanos, grouped, this.process, this.redis, this.machineBusy, this.machineTotal,
					this.machineStolen, this.threads);
		}

		/** The JVM's CPU time outside the groups. */
		long restOfProcess() {
			long rest = this.process;
			for (long group : this.groups) {
				rest -= group;
			}
			return rest;
		}

		/** Puts redis-server's, the rest of the machine's, idle and stolen time per operation. */
		void putMachine(Map<String, Object> perOperation, long operations, String redisLabel) {
			perOperation.put(redisLabel, micros(this.redis, operations));
			perOperation.put("rest of the machine", micros(this.machineBusy - this.process - this.redis, operations));
			perOperation.put("idle", micros(this.machineTotal - this.machineBusy, operations));
			// time the hypervisor gave to other guests while this one wanted to run: neither busy nor idle here
			perOperation.put("stolen by the hypervisor (steal)", micros(this.machineStolen, operations));
		}

		/** utime + stime of a process, in ns. */
		private static long processCpu(long pid) throws IOException {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			// the command name is in parentheses and may hold spaces: fields count from the last ')'
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
		}

		/**
		 * Busy and total CPU time of the machine (all cores; user to softirq) and the time stolen from it, in ns.
		 */
		private static long[] machine() throws IOException {
			String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < Math.min(fields.length, 8); i++) {
				total += Long.parseLong(fields[i]);
			}
			long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
			long steal = (fields.length > 8) ? Long.parseLong(fields[8]) : 0;
			long tick = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
			return new long[] { (total - idle) * tick, total * tick, steal * tick };
		}

	}

	private static long clockTicksPerSecond() {
		try {
			Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
				.trim();
			if (process.waitFor() == 0 && out.matches("[1-9][0-9]*")) {
				return Long.parseLong(out);
			}
		}
		catch (IOException ex) {
			// no getconf: Linux's value on x86 and ARM
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return 100;
	}

}
