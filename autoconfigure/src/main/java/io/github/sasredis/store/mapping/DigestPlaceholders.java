package io.github.sasredis.store.mapping;

import org.jspecify.annotations.Nullable;

/**
 * The values the store puts in place of token values it does not hold. A stored authorization keeps only
 * digests; when it is read back, each token not presented by the caller carries {@code "{digest}" + digest} as
 * its value, so that saving it again keeps the digest instead of hashing it twice. Spring Authorization Server
 * never issues a value with this prefix (its tokens are base64url or JWTs).
 */
public final class DigestPlaceholders {

	/** The prefix of a placeholder value. */
	public static final String PREFIX = "{digest}";

	private DigestPlaceholders() {
	}

	/**
	 * Returns the placeholder for a digest.
	 * @param digest the digest
	 * @return the placeholder value
	 */
	public static String of(String digest) {
		return PREFIX + digest;
	}

	/**
	 * Returns the digest a placeholder names.
	 * @param value a token value
	 * @return the digest, or {@code null} if the value is not a placeholder
	 */
	public static @Nullable String digestOf(@Nullable String value) {
		return (value != null && value.startsWith(PREFIX)) ? value.substring(PREFIX.length()) : null;
	}

}
