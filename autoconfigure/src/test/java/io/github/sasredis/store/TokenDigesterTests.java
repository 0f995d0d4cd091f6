package io.github.sasredis.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TokenDigester}: known answers of SHA-256 and HMAC-SHA-256, and the same digests from many
 * threads at once.
 */
class TokenDigesterTests {

	/** RFC 4231, test case 6: a 131-byte key of 0xaa. */
	private static final byte[] RFC4231_KEY = filled(131, (byte) 0xaa);

	private static final String RFC4231_DATA = "Test Using Larger Than Block-Size Key - Hash Key First";

	private static final String RFC4231_MAC = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";

	@Test
	void digestWhenSha256ThenKnownAnswer() {
		assertThat(TokenDigester.sha256().digest("abc"))
			.isEqualTo(base64url("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
		assertThat(TokenDigester.sha256().isKeyed()).isFalse();
	}

	@Test
	void digestWhenHmacThenKnownAnswer() {
		TokenDigester digester = TokenDigester.hmacSha256(RFC4231_KEY);
		assertThat(digester.digest(RFC4231_DATA)).isEqualTo(base64url(RFC4231_MAC));
		// the same digester again: nothing of the first call carries over
		assertThat(digester.digest(RFC4231_DATA)).isEqualTo(base64url(RFC4231_MAC));
		assertThat(digester.isKeyed()).isTrue();
	}

	@Test
	void hmacWhenCallerChangesItsKeyArrayThenDigestsUnchanged() {
		byte[] key = RFC4231_KEY.clone();
		TokenDigester digester = TokenDigester.hmacSha256(key);
		Arrays.fill(key, (byte) 0);
		assertThat(digester.digest(RFC4231_DATA)).isEqualTo(base64url(RFC4231_MAC));
	}

	@Test
	void hmacWhenKeyShorterThan32BytesThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> TokenDigester.hmacSha256(new byte[31]));
	}

	@Test
	void jtiIs22CharactersOfAHashOfTheDigest() {
		TokenDigester digester = TokenDigester.hmacSha256(RFC4231_KEY);
		String digest = digester.digest("refresh-token");
		String jti = digester.jti(digest);
		assertThat(jti).hasSize(22).isEqualTo(TokenDigester.sha256().jti(digest));
		byte[] hash = HexFormat.of().parseHex(sha256Hex("jti:" + digest));
		assertThat(jti).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16)));
		assertThat(TokenDigester.isWellFormedJti(jti)).isTrue();
	}

	@Test
	void digestWhenManyThreadsThenSameDigestsAsOneThread() throws Exception {
		TokenDigester hmac = TokenDigester.hmacSha256(RFC4231_KEY);
		TokenDigester plain = TokenDigester.sha256();
		List<String> values = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			values.add("token-" + i + "-" + "x".repeat(i % 97));
		}
		List<String> expected = new ArrayList<>();
		for (String value : values) {
			expected.add(hmac.digest(value) + "/" + plain.digest(value) + "/" + hmac.jti(hmac.digest(value)));
		}
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<List<String>>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				Callable<List<String>> task = () -> {
					List<String> digests = new ArrayList<>();
					for (int round = 0; round < 4; round++) {
						digests.clear();
						for (String value : values) {
							digests.add(hmac.digest(value) + "/" + plain.digest(value) + "/"
									+ hmac.jti(hmac.digest(value)));
						}
					}
					return digests;
				};
				results.add(pool.submit(task));
			}
			for (Future<List<String>> result : results) {
				assertThat(result.get()).isEqualTo(expected);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static String base64url(String hex) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex));
	}

	private static String sha256Hex(String value) {
		try {
			return HexFormat.of()
				.formatHex(java.security.MessageDigest.getInstance("SHA-256")
					.digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] filled(int length, byte value) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, value);
		return bytes;
	}

}
