package io.github.sasredis.store;

import org.springframework.util.Assert;

/**
 * Names the keys the store writes. The refresh-token record key is exactly
 * {@code <refresh prefix>:<user id>:<jti>}, as the existing Python tooling reads it; the other keys live under
 * the store's namespace. User ids go into key names as they are (binary-safe, never used as a pattern); a jti
 * is base64url, so the last {@code :} of a record key always separates user id and jti.
 */
public final class RedisKeys {

	/** Default namespace of the store's own keys. */
	public static final String DEFAULT_NAMESPACE = "oauth2";

	/** Default prefix of the refresh-token record keys. */
	public static final String DEFAULT_REFRESH_TOKEN_PREFIX = "refresh_token";

	private final String namespace;

	private final String refreshTokenPrefix;

	/**
	 * Creates the default key names.
	 */
	public RedisKeys() {
		this(DEFAULT_NAMESPACE, DEFAULT_REFRESH_TOKEN_PREFIX);
	}

	/**
	 * Creates key names under the given namespace and refresh-token prefix.
	 * @param namespace the namespace of the store's own keys
	 * @param refreshTokenPrefix the prefix of refresh-token record keys
	 */
	public RedisKeys(String namespace, String refreshTokenPrefix) {
		Assert.hasText(namespace, "namespace cannot be empty");
		Assert.hasText(refreshTokenPrefix, "refreshTokenPrefix cannot be empty");
		this.namespace = namespace;
		this.refreshTokenPrefix = refreshTokenPrefix;
	}

	/**
	 * Returns the key of an authorization's hash.
	 * @param authorizationId the authorization id
	 * @return {@code <namespace>:authorization:<id>}
	 */
	public String authorization(String authorizationId) {
		return this.namespace + ":authorization:" + authorizationId;
	}

	/**
	 * Returns the lookup key of a secret.
	 * @param digest the secret's digest
	 * @return {@code <namespace>:token:<digest>}
	 */
	public String token(String digest) {
		return this.namespace + ":token:" + digest;
	}

	/**
	 * Returns the key of a user's refresh-token index.
	 * @param userId the principal name
	 * @return {@code <namespace>:user_refresh_tokens:<user id>}
	 */
	public String userIndex(String userId) {
		return this.namespace + ":user_refresh_tokens:" + userId;
	}

	/**
	 * Returns the key of a refresh-token record.
	 * @param userId the principal name
	 * @param jti the token's jti
	 * @return {@code <refresh prefix>:<user id>:<jti>}
	 */
	public String refreshTokenRecord(String userId, String jti) {
		return this.refreshTokenPrefix + ":" + userId + ":" + jti;
	}

	/**
	 * Returns the namespace of the store's own keys.
	 * @return the namespace
	 */
	public String getNamespace() {
		return this.namespace;
	}

	/**
	 * Returns the prefix of refresh-token record keys.
	 * @return the prefix
	 */
	public String getRefreshTokenPrefix() {
		return this.refreshTokenPrefix;
	}

}
