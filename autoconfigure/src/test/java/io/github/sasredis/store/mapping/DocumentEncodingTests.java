package io.github.sasredis.store.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;

import io.github.sasredis.store.TestAuthorizations;
import io.github.sasredis.store.TokenDigester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The stored forms of a document: compressed ({@code z1:}) and plain JSON, each read whatever the encoding writes;
 * corrupt values refused with messages that name none of their content; the dictionary fixed.
 */
class DocumentEncodingTests {

	/** SHA-256 of document-dictionary-1.txt: the dictionary is part of what Redis holds and never changes. */
	private static final String DICTIONARY_1_SHA256 = "c750164f1850dfbb67e8bd8eac182b0045a97a935df3e318aa2c39953d76e99f";

	private final OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();

	@Test
	void dictionaryWhenReadThenTheOneDocumentsWereCompressedWith() throws Exception {
		byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(DocumentEncoding.dictionary());
		assertThat(HexFormat.of().formatHex(sha256))
			.as("document-dictionary-1.txt changed: stored z1: documents would no longer read; add a z2: instead")
			.isEqualTo(DICTIONARY_1_SHA256);
	}

	@Test
	void encodeWhenOidcGrantThenPrefixedBytesOfAFifthOfTheJson() {
		String json = documentOf(TestAuthorizations.authorizationCodeGrant("alice"));
		byte[] stored = DocumentEncoding.compressed().encode(json);
		assertThat(new String(stored, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("z1:");
		assertThat(DocumentEncoding.isCompressed(stored)).isTrue();
		assertThat(stored.length).as("stored length of a %d character document", json.length())
			.isLessThan(json.length() / 4);
		assertThat(DocumentEncoding.compressed().decode(stored)).isEqualTo(json);
	}

	@Test
	void encodeWhenPlainThenTheJsonItself() {
		String json = documentOf(TestAuthorizations.authorizationCodeGrant("alice"));
		assertThat(DocumentEncoding.plain().encode(json)).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
		assertThat(DocumentEncoding.plain().isCompressed()).isFalse();
		assertThat(DocumentEncoding.compressed().isCompressed()).isTrue();
	}

	@Test
	void decodeWhenEitherFormThenReadByEitherEncoding() {
		String json = documentOf(TestAuthorizations.deviceGrant("bob"));
		byte[] compressed = DocumentEncoding.compressed().encode(json);
		for (DocumentEncoding reader : List.of(DocumentEncoding.compressed(), DocumentEncoding.plain())) {
			assertThat(reader.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(json);
			assertThat(reader.decode(compressed)).isEqualTo(json);
		}
	}

	@Test
	void decodeWhenCompressedByThisFormatThenSameJsonOnEveryJdk() {
		// written once by this class: decoding a stored value must not depend on the zlib that wrote it
		byte[] stored = concat("z1:".getBytes(StandardCharsets.US_ASCII),
				Base64.getDecoder().decode("g/YlM1MMkbuTRcloHUqg1mTUjiO0dwjNCLG1AA"));
		assertThat(DocumentEncoding.plain().decode(stored))
			.isEqualTo("{\"id\":\"id1\",\"client\":\"rc\",\"principal\":\"alice\",\"scopes\":[\"read\",\"openid\"]}");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"principal\":\"Jürgen 北京 🙂\",\"x\":\"\\u0000\"}", "{\"a\":\"\"}" })
	void encodeWhenAnyTextThenDecodedExactly(String json) {
		assertThat(DocumentEncoding.compressed().decode(DocumentEncoding.compressed().encode(json))).isEqualTo(json);
	}

	@Test
	void encodeWhenLargeAndIncompressibleThenDecodedExactly() {
		SplittableRandom random = new SplittableRandom(42);
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÄÖÜäöüß北京東京";
		StringBuilder json = new StringBuilder("{\"noise\":\"");
		while (json.length() < 300_000) {
			json.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		String document = json.append("\"}").toString();
		assertThat(DocumentEncoding.compressed().decode(DocumentEncoding.compressed().encode(document)))
			.isEqualTo(document);
	}

	@Test
	void encodeWhenManyThreadsThenEachReadsItsOwn() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				String json = documentOf(TestAuthorizations.authorizationCodeGrant("user-" + i));
				results.add(threads.submit(() -> DocumentEncoding.compressed()
					.decode(DocumentEncoding.compressed().encode(json))
					.equals(json)));
			}
			for (Future<Boolean> result : results) {
				assertThat(result.get()).isTrue();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void decodeWhenCorruptThenRefusedNamingNoContent() {
		String json = documentOf(TestAuthorizations.authorizationCodeGrant("alice"));
		byte[] stored = DocumentEncoding.compressed().encode(json);
		byte[] prefix = "z1:".getBytes(StandardCharsets.US_ASCII);
		byte[] compressed = java.util.Arrays.copyOfRange(stored, 3, stored.length);
		Map<String, byte[]> corrupt = new java.util.LinkedHashMap<>();
		Map<String, String> messages = new java.util.HashMap<>();
		java.util.function.BiConsumer<byte[], String> add = (value, message) -> {
			String name = "case " + corrupt.size();
			corrupt.put(name, value);
			messages.put(name, message);
		};
		add.accept(concat("z9:".getBytes(StandardCharsets.US_ASCII), compressed),
				"Stored authorization document has an unknown encoding");
		add.accept("alice's secret".getBytes(StandardCharsets.UTF_8),
				"Stored authorization document has an unknown encoding");
		add.accept(new byte[0], "Stored authorization document has an unknown encoding");
		add.accept(prefix, "Stored authorization document is truncated");
		add.accept(concat(prefix, new byte[] { 7, 's', 'e', 'c' }),
				"Stored authorization document cannot be decompressed");
		add.accept(concat(stored, "secret".getBytes(StandardCharsets.UTF_8)),
				"Stored authorization document has data after its end");
		// every shorter prefix of the compressed bytes: truncated, never a hang or a partial document
		for (int length = 1; length < compressed.length; length++) {
			add.accept(concat(prefix, java.util.Arrays.copyOf(compressed, length)),
					"Stored authorization document is truncated");
		}
		corrupt.forEach((name, value) -> assertThatIllegalStateException().as(name)
			.isThrownBy(() -> DocumentEncoding.compressed().decode(value))
			.withMessage(messages.get(name)));
	}

	@Test
	void decodeWhenItWouldInflateBeyondTheLimitThenRefused() {
		// 64 MB of one character deflates to about 64 KB: a bomb that must not be inflated
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		deflater.setDictionary(DocumentEncoding.dictionary());
		byte[] chunk = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
		byte[] buffer = new byte[1 << 20];
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		for (int i = 0; i < 64; i++) {
			deflater.setInput(chunk);
			while (!deflater.needsInput()) {
				out.write(buffer, 0, deflater.deflate(buffer));
			}
		}
		deflater.finish();
		while (!deflater.finished()) {
			out.write(buffer, 0, deflater.deflate(buffer));
		}
		deflater.end();
		byte[] bomb = concat("z1:".getBytes(StandardCharsets.US_ASCII), out.toByteArray());
		assertThatIllegalStateException().isThrownBy(() -> DocumentEncoding.compressed().decode(bomb))
			.withMessage("Stored authorization document is larger than " + DocumentEncoding.MAX_DOCUMENT_BYTES
					+ " bytes once decompressed");
	}

	private String documentOf(OAuth2Authorization authorization) {
		TokenDigester digester = TokenDigester.sha256();
		Map<TokenKind, String> digests = new java.util.EnumMap<>(TokenKind.class);
		String jti = null;
		for (TokenKind kind : TokenKind.values()) {
			OAuth2Authorization.Token<?> token = kind.tokenIn(authorization);
			if (token != null) {
				digests.put(kind, digester.digest(token.getToken().getTokenValue()));
				if (kind == TokenKind.REFRESH_TOKEN) {
					jti = digester.jti(digests.get(kind));
				}
			}
		}
		return this.mapper.write(authorization, digests, jti, Set.of());
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = new byte[first.length + second.length];
		System.arraycopy(first, 0, both, 0, first.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

}
