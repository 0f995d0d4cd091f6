package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.sasredis.test.RedisServerProcess;

/**
 * What the numbers were measured on.
 */
final class Machine {

	private Machine() {
	}

	static Map<String, Object> describe() {
		Map<String, Object> machine = new LinkedHashMap<>();
		machine.put("nproc", command("nproc"));
		machine.put("cpu", cpuModel());
		machine.put("freeH", command("free", "-h"));
		machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ " (" + System.getProperty("java.vendor") + ")");
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		machine.put("redisServer", command(Stores.redisBinary().toString(), "--version"));
		return machine;
	}

	/**
	 * @return the 1, 5 and 15 minute load averages of /proc/loadavg, which say how much else ran meanwhile
	 */
	static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return parts[0] + " " + parts[1] + " " + parts[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	static String command(String... command) {
		try {
			Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			process.waitFor(10, TimeUnit.SECONDS);
			return output;
		}
		catch (IOException ex) {
			return "unavailable (" + ex.getMessage() + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

}
