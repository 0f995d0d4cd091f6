package io.github.sasredis.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.util.Assert;

/**
 * Turns token values, codes and {@code state} into the digests the store keeps instead of them: SHA-256, or
 * HMAC-SHA-256 under a server-side secret, encoded base64url without padding (43 characters). A digest is
 * one-way: nothing in Redis lets anyone present a token. With a secret, a leaked dump cannot even be checked
 * against guesses of short secrets such as user codes, unless the secret leaks too.
 * <p>
 * The refresh token's {@code jti} is derived from its digest ({@link #jti(String)}), so it is stable for the
 * token's life, needs no storage, and neither the token nor its digest can be derived from it.
 */
public final class TokenDigester {

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private static final Pattern JTI = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private final byte[] secret;

	private TokenDigester(byte[] secret) {
		this.secret = secret;
	}

	/**
	 * Returns a digester that computes plain SHA-256.
	 * @return the digester
	 */
	public static TokenDigester sha256() {
		return new TokenDigester(new byte[0]);
	}

	/**
	 * Returns a digester that computes HMAC-SHA-256 under the given secret.
	 * @param secret at least 32 bytes
	 * @return the digester
	 */
	public static TokenDigester hmacSha256(byte[] secret) {
		Assert.notNull(secret, "secret cannot be null");
		Assert.isTrue(secret.length >= 32, "secret must be at least 32 bytes long");
		return new TokenDigester(Arrays.copyOf(secret, secret.length));
	}

	/**
	 * Whether this digester uses a server-side secret.
	 * @return {@code true} for HMAC-SHA-256
	 */
	public boolean isKeyed() {
		return this.secret.length > 0;
	}

	/**
	 * Returns the digest of a secret value.
	 * @param value a token value, code or state
	 * @return its digest, base64url without padding
	 */
	public String digest(String value) {
		Assert.notNull(value, "value cannot be null");
		return BASE64URL.encodeToString(hash(value.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Returns the jti of the refresh token that has the given digest: 128 bits of a hash of the digest,
	 * base64url without padding (22 characters).
	 * @param digest the refresh token's digest
	 * @return the jti
	 */
	public String jti(String digest) {
		Assert.hasText(digest, "digest cannot be empty");
		byte[] hash = sha256(("jti:" + digest).getBytes(StandardCharsets.UTF_8));
		return BASE64URL.encodeToString(Arrays.copyOf(hash, 16));
	}

	/**
	 * Whether a value can be a jti: base64url without padding, 1 to 64 characters (the store's own are 22). Anything
	 * else, a {@code :} above all, names no refresh token and must never go into a record key.
	 * @param jti the value
	 * @return {@code true} when it has the form of a jti
	 */
	public static boolean isWellFormedJti(String jti) {
		return JTI.matcher(jti).matches();
	}

	private byte[] hash(byte[] input) {
		if (this.secret.length == 0) {
			return sha256(input);
		}
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.secret, "HmacSHA256"));
			return mac.doFinal(input);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private static byte[] sha256(byte[] input) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(input);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
