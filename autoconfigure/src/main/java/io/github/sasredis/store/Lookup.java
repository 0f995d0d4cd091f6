package io.github.sasredis.store;

import org.jspecify.annotations.Nullable;

/**
 * The value of a lookup key {@code <namespace>:token:<digest>}: the kind of secret (a {@code TokenKind} code, or
 * {@code x} for a rotated-out refresh token), the key of the authorization holding it and, for a refresh token,
 * the key of its record. Encoded as {@code <kind><length of authorization key>:<authorization key><record key>},
 * so key names may contain any character.
 *
 * @param kind the kind code
 * @param authorizationKey the authorization hash key
 * @param recordKey the refresh-token record key, or empty
 */
record Lookup(char kind, String authorizationKey, String recordKey) {

	/** Kind of the lookup of a refresh token that was rotated out, kept to detect its reuse. */
	static final char ROTATED_OUT = 'x';

	String encode() {
		return this.kind + Integer.toString(this.authorizationKey.length()) + ":" + this.authorizationKey
				+ this.recordKey;
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
			int end = colon + 1 + length;
			if (length <= 0 || end > value.length()) {
				return null;
			}
			return new Lookup(value.charAt(0), value.substring(colon + 1, end), value.substring(end));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
