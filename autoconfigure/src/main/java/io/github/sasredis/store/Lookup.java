package io.github.sasredis.store;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The value of a lookup key {@code <namespace>:token:<digest>}: the kind of secret (a {@code TokenKind} code, or
 * {@code x} for a rotated-out refresh token), the key of the authorization holding it and, for a refresh token,
 * the key of its record. Encoded as {@code <kind><length of authorization key>:<authorization key><record key>},
 * the length in UTF-8 bytes (as Redis and {@code find_by_token.lua} see the value), so key names may contain any
 * character.
 *
 * @param kind the kind code
 * @param authorizationKey the authorization hash key
 * @param recordKey the refresh-token record key, or empty
 */
record Lookup(char kind, String authorizationKey, String recordKey) {

	/** Kind of the lookup of a refresh token that was rotated out, kept to detect its reuse. */
	static final char ROTATED_OUT = 'x';

	String encode() {
		return this.kind + Integer.toString(this.authorizationKey.getBytes(StandardCharsets.UTF_8).length) + ":"
				+ this.authorizationKey + this.recordKey;
	}

	static @Nullable Lookup decode(@Nullable String value) {
		if (value == null || value.length() < 3) {
			return null;
		}
		int colon = value.indexOf(':', 1);
		if (colon < 2) {
			return null;
		}
		try {
			int length = Integer.parseInt(value, 1, colon, 10);
			byte[] keys = value.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
			if (length <= 0 || length > keys.length) {
				return null;
			}
			return new Lookup(value.charAt(0), new String(keys, 0, length, StandardCharsets.UTF_8),
					new String(keys, length, keys.length - length, StandardCharsets.UTF_8));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
