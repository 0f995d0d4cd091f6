package io.github.sasredis.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording: the methods most often on top of the sampled Java stacks (self time) and the share
 * of samples spent under a few areas (inclusive time).
 */
final class Profile {

	/** Areas whose inclusive share is reported, first match wins. */
	private static final Map<String, Predicate<String>> AREAS = new LinkedHashMap<>();

	static {
		AREAS.put("benchmark workload (building grants and token values)",
				(frame) -> frame.startsWith("io.github.sasredis.benchmarks.Workload."));
		AREAS.put("JSON mapping (Jackson 3, Spring Security modules)",
				(frame) -> frame.startsWith("tools.jackson.") || frame.contains("jackson"));
		AREAS.put("token digests (SHA-256)", (frame) -> frame.startsWith("sun.security.provider.")
				|| frame.startsWith("java.security.MessageDigest") || frame.contains("TokenDigester"));
		AREAS.put("Redis client (Lettuce, Netty)",
				(frame) -> frame.startsWith("io.lettuce.") || frame.startsWith("io.netty."));
		AREAS.put("Spring Data Redis", (frame) -> frame.startsWith("org.springframework.data.redis."));
		AREAS.put("OAuth2Authorization builders", (frame) -> frame
			.startsWith("org.springframework.security.oauth2.server.authorization.OAuth2Authorization"));
		AREAS.put("our store (mapping, keys, arguments)", (frame) -> frame.startsWith("io.github.sasredis.store."));
	}

	/** Methods whose inclusive share is reported: where the client's time goes in a find and a save. */
	private static final Map<String, String> WATCHED = new LinkedHashMap<>();

	static {
		WATCHED.put("io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper.read",
				"reading the stored JSON document");
		WATCHED.put("tools.jackson.databind.deser.DeserializerCache._createAndCacheValueDeserializer",
				"of which Jackson building deserializers again (not served from its cache)");
		WATCHED.put("org.springframework.security.jackson.UsernamePasswordAuthenticationTokenDeserializer.deserialize",
				"of which Spring Security's principal deserializer");
		WATCHED.put(
				"org.springframework.security.oauth2.server.authorization.jackson.OAuth2AuthorizationRequestDeserializer.deserialize",
				"of which SAS's authorization-request deserializer");
		WATCHED.put("io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper.write",
				"writing the JSON document");
		WATCHED.put("org.springframework.data.redis.core.RedisTemplate.execute",
				"Spring Data Redis and Lettuce, client side of the round trips");
		WATCHED.put("org.springframework.data.redis.core.script.DefaultRedisScript.getSha1",
				"of which the script's SHA, with a last-modified check of its class-path resource on every call");
		WATCHED.put("io.github.sasredis.store.TokenDigester.digest", "token digests (SHA-256)");
		WATCHED.put("io.github.sasredis.benchmarks.Workload.rotate", "the benchmark building the rotated grant");
	}

	/** Methods whose inclusive share of a demo server's request threads is reported. */
	static final Map<String, String> REQUEST_WATCHED = new LinkedHashMap<>();

	static {
		REQUEST_WATCHED.put(
				"org.springframework.security.oauth2.server.authorization.web.OAuth2TokenEndpointFilter.doFilterInternal",
				"the token endpoint");
		REQUEST_WATCHED.put(
				"org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider.authenticate",
				"client authentication ({noop} secret)");
		REQUEST_WATCHED.put("org.springframework.security.oauth2.jwt.NimbusJwtEncoder.encode",
				"signing the access and ID tokens (RS256)");
		REQUEST_WATCHED.put("io.github.sasredis.store.RedisOAuth2AuthorizationService.findByToken",
				"ours: findByToken");
		REQUEST_WATCHED.put("io.github.sasredis.store.RedisOAuth2AuthorizationService.save", "ours: save");
		REQUEST_WATCHED.put("io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper.read",
				"ours: of which reading the JSON document");
		REQUEST_WATCHED.put("io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper.write",
				"ours: of which writing the JSON document");
		REQUEST_WATCHED.put(
				"org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService.findByToken",
				"in-memory: findByToken");
		REQUEST_WATCHED.put(
				"org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService.save",
				"in-memory: save");
	}

	private Profile() {
	}

	/**
	 * A recording of execution samples only (every 10 ms): little enough overhead to leave throughput nearly alone.
	 * @return the recording, not started
	 */
	static jdk.jfr.Recording executionSamples() {
		jdk.jfr.Recording recording = new jdk.jfr.Recording();
		recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
		return recording;
	}

	static Map<String, Object> summarise(Path recording, String threadPrefix, int top) throws IOException {
		return summarise(recording, threadPrefix, top, WATCHED);
	}

	static Map<String, Object> summarise(Path recording, String threadPrefix, int top, Map<String, String> watchedMethods)
			throws IOException {
		Map<String, Long> self = new java.util.HashMap<>();
		Map<String, Long> areas = new LinkedHashMap<>();
		AREAS.keySet().forEach((area) -> areas.put(area, 0L));
		Map<String, Long> watched = new LinkedHashMap<>();
		watchedMethods.keySet().forEach((method) -> watched.put(method, 0L));
		long total = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
			if (!"jdk.ExecutionSample".equals(event.getEventType().getName())) {
				continue;
			}
			if (event.getThread("sampledThread") == null || threadPrefix != null
					&& !String.valueOf(event.getThread("sampledThread").getJavaName()).startsWith(threadPrefix)) {
				continue;
			}
			RecordedStackTrace stack = event.getStackTrace();
			if (stack == null || stack.getFrames().isEmpty()) {
				continue;
			}
			total++;
			List<RecordedFrame> frames = stack.getFrames();
			self.merge(name(frames.get(0)), 1L, Long::sum);
			java.util.Set<String> seen = new java.util.HashSet<>();
			for (RecordedFrame frame : frames) {
				String name = name(frame);
				if (watched.containsKey(name) && seen.add(name)) {
					watched.merge(name, 1L, Long::sum);
				}
			}
			String matched = null;
			for (RecordedFrame frame : frames) {
				String name = name(frame);
				for (Map.Entry<String, Predicate<String>> area : AREAS.entrySet()) {
					if (area.getValue().test(name)) {
						matched = area.getKey();
						break;
					}
				}
				if (matched != null) {
					break;
				}
			}
			if (matched != null) {
				areas.merge(matched, 1L, Long::sum);
			}
		}
		long samples = total;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("samples", samples);
		result.put("topSelfFrames", self.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(top)
			.collect(Collectors.toMap(Map.Entry::getKey, (e) -> percent(e.getValue(), samples), (a, b) -> a,
					LinkedHashMap::new)));
		Map<String, Object> shares = new LinkedHashMap<>();
		areas.forEach((area, count) -> shares.put(area, percent(count, samples)));
		result.put("inclusiveShareByArea", shares);
		List<Map<String, Object>> methods = new java.util.ArrayList<>();
		watched.forEach((method, count) -> methods.add(Map.of("method", method, "what", watchedMethods.get(method),
				"inclusiveShare", percent(count, samples))));
		result.put("watchedMethods", methods);
		return result;
	}

	private static double percent(long count, long total) {
		return (total == 0) ? 0 : Math.round(1000.0 * count / total) / 10.0;
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

}
