package io.github.sasredis.store;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The value of a lookup key {@code <namespace>:token:<digest>}: the kind of secret (a {@code TokenKind} code, or
 * {@code x} for a rotated-out refresh token), the key of the authorization holding it and, for a refresh token,
 * the key of its record. Both keys are kept without the prefix every such key starts with
 * ({@link RedisKeys#authorizationPrefix()}, {@link RedisKeys#refreshTokenRecordPrefix()}): encoded as
 * {@code <kind><length of the authorization key's rest>:<authorization key's rest><record key's rest>}, the length
 * in UTF-8 bytes (as Redis and {@code find_by_token.lua} see the value), so key names may contain any character.
 * With a UUID for an authorization id, the lookup of an access token is then 41 bytes, which Redis keeps in one
 * allocation with its object header.
 * <p>
 * With hash-field lookups the same value is the field's, and a refresh token's carries no record key
 * ({@code find_by_token.lua} takes it from the authorization), so that every value stays within the 64 bytes of a
 * small hash's compact encoding.
 *
 * @param kind the kind code
 * @param authorizationKey the authorization key
 * @param recordKey the refresh-token record key, or empty
 */
record Lookup(char kind, String authorizationKey, String recordKey) {

	/** Kind of the lookup of a refresh token that was rotated out, kept to detect its reuse. */
	static final char ROTATED_OUT = 'x';

	String encode(RedisKeys keys) {
		String authorization = withoutPrefix(this.authorizationKey, keys.authorizationPrefix());
		String record = this.recordKey.isEmpty() ? "" : withoutPrefix(this.recordKey, keys.refreshTokenRecordPrefix());
		return this.kind + Integer.toString(authorization.getBytes(StandardCharsets.UTF_8).length) + ":"
				+ authorization + record;
	}

	static @Nullable Lookup decode(@Nullable String value, RedisKeys keys) {
		if (value == null || value.length() < 3) {
			return null;
		}
		int colon = value.indexOf(':', 1);
		if (colon < 2) {
			return null;
		}
		try {
			int length = Integer.parseInt(value, 1, colon, 10);
			byte[] rest = value.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
			if (length <= 0 || length > rest.length) {
				return null;
			}
			String record = new String(rest, length, rest.length - length, StandardCharsets.UTF_8);
			return new Lookup(value.charAt(0),
					keys.authorizationPrefix() + new String(rest, 0, length, StandardCharsets.UTF_8),
					record.isEmpty() ? "" : keys.refreshTokenRecordPrefix() + record);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String withoutPrefix(String key, String prefix) {
		if (!key.startsWith(prefix)) {
			throw new IllegalStateException("A key of the store does not start with its prefix");
		}
		return key.substring(prefix.length());
	}

}
