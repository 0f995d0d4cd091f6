package io.github.sasredis.benchmarks;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.store.mapping.DocumentEncoding;
import io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper;
import io.github.sasredis.store.mapping.StoredAuthorization;
import io.github.sasredis.store.mapping.TokenKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * The client-side parts of a rotate, one at a time and without Redis, in µs per call: reading the stored JSON
 * document (attributes served from the cache, as a rotation finds them), reading it and writing the rotated grant's,
 * compressing and decompressing it, and the HMAC digest of a JWT-sized access token. They show what a rotate's CPU
 * on the rotating thread is made of ({@link CpuAccount} measures that total).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
@Fork(0)
public class CodecBenchmark {

	@State(Scope.Thread)
	public static class Document {

		final OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();

		final DocumentEncoding encoding = DocumentEncoding.compressed();

		final TokenDigester digester = TokenDigester.hmacSha256(new byte[32]);

		final SplittableRandom random = new SplittableRandom(6);

		final Map<TokenKind, String> digests = new EnumMap<>(TokenKind.class);

		String json;

		byte[] stored;

		String accessToken;

		@Setup
		public void setUp() {
			OAuth2Authorization grant = Workload.seeded(7);
			for (TokenKind kind : TokenKind.values()) {
				this.digests.put(kind, Workload.randomValue(new SplittableRandom(kind.ordinal()), 43));
			}
			this.json = this.mapper.write(grant, this.digests, Workload.randomValue(this.random, 22), Set.of());
			this.stored = this.encoding.encode(this.json);
			this.accessToken = Workload.accessTokenValue(this.random);
		}

	}

	/** Reading the document of a grant whose attributes were read before (the attribute cache holds them). */
	@Benchmark
	public StoredAuthorization documentRead(Document document) {
		return document.mapper.read(document.json, TokenKind.REFRESH_TOKEN, "presented", Map.of());
	}

	/** What a rotation does with documents: read the found grant's, write the rotated grant's. */
	@Benchmark
	public String documentReadAndWrite(Document document) {
		StoredAuthorization found = document.mapper.read(document.json, TokenKind.REFRESH_TOKEN, "presented",
				Map.of());
		OAuth2Authorization rotated = Workload.rotate(found.authorization(), document.accessToken, "next-refresh");
		return document.mapper.write(rotated, document.digests, "jti", Set.of());
	}

	/** Compressing the document (zlib level 3 with the preset dictionary). */
	@Benchmark
	public byte[] compress(Document document) {
		return document.encoding.encode(document.json);
	}

	/** Decompressing it. */
	@Benchmark
	public String decompress(Document document) {
		return document.encoding.decode(document.stored);
	}

	/** HMAC-SHA-256 digest of a JWT-sized access token (a save digests every token it holds). */
	@Benchmark
	public String digest(Document document) {
		return document.digester.digest(document.accessToken);
	}

}
