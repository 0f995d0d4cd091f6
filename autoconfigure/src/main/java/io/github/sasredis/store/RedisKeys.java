package io.github.sasredis.store;

import org.springframework.util.Assert;

/**
 * Names the keys the store writes. In the standalone layout (default) the refresh-token record key is exactly
 * {@code <refresh prefix>:<user id>:<jti>}, as the existing Python tooling reads it; the other keys live under
 * the store's namespace. User ids go into key names as they are (binary-safe, never used as a pattern); a jti
 * is base64url, so the last {@code :} of a record key always separates user id and jti.
 * <p>
 * In the cluster layout every key of one user carries the hash tag {@code {<user id>}}, so that the keys one
 * script touches share a hash slot: {@code <refresh prefix>:{<user id>}:<jti>},
 * {@code <namespace>:authorization:{<user id>}:<id>}, {@code <namespace>:user_refresh_tokens:{<user id>}}; a user
 * id that starts with a closing brace or a backslash is written with a leading backslash inside the tag, since
 * Redis would otherwise see an empty hash tag. Lookup
 * keys ({@code <namespace>:token:<digest>}) and {@code <namespace>:authorization_id:<id>} (for
 * {@code findById}) live in slots of their own and are written after the user's script.
 * <p>
 * With hash-field lookups (standalone only; Redis 8.0 or later), the lookup of a secret is not a key but the field
 * {@code <digest>} of the hash {@code <namespace>:tokens:<first two characters of the digest>}, with a TTL of its
 * own: 4,096 hashes hold every lookup, so a grant's lookups add no keys.
 */
public final class RedisKeys {

	/** Default namespace of the store's own keys. */
	public static final String DEFAULT_NAMESPACE = "oauth2";

	/** Default prefix of the refresh-token record keys. */
	public static final String DEFAULT_REFRESH_TOKEN_PREFIX = "refresh_token";

	private final String namespace;

	private final String refreshTokenPrefix;

	private final boolean clustered;

	private final boolean hashFieldLookups;

	/**
	 * Creates the default (standalone) key names.
	 */
	public RedisKeys() {
		this(DEFAULT_NAMESPACE, DEFAULT_REFRESH_TOKEN_PREFIX, false);
	}

	/**
	 * Creates key names under the given namespace and refresh-token prefix.
	 * @param namespace the namespace of the store's own keys
	 * @param refreshTokenPrefix the prefix of refresh-token record keys
	 * @param clustered whether to use the cluster layout (hash tags)
	 */
	public RedisKeys(String namespace, String refreshTokenPrefix, boolean clustered) {
		this(namespace, refreshTokenPrefix, clustered, false);
	}

	/**
	 * Creates key names under the given namespace and refresh-token prefix.
	 * @param namespace the namespace of the store's own keys
	 * @param refreshTokenPrefix the prefix of refresh-token record keys
	 * @param clustered whether to use the cluster layout (hash tags)
	 * @param hashFieldLookups whether lookups are fields of shared hashes (standalone only)
	 */
	public RedisKeys(String namespace, String refreshTokenPrefix, boolean clustered, boolean hashFieldLookups) {
		Assert.hasText(namespace, "namespace cannot be empty");
		Assert.isTrue(!(clustered && hashFieldLookups), "hash-field lookups are not supported in the cluster layout");
		Assert.hasText(refreshTokenPrefix, "refreshTokenPrefix cannot be empty");
		if (clustered) {
			Assert.isTrue(namespace.indexOf('{') < 0 && namespace.indexOf('}') < 0,
					"namespace cannot contain braces in the cluster layout");
			Assert.isTrue(refreshTokenPrefix.indexOf('{') < 0 && refreshTokenPrefix.indexOf('}') < 0,
					"refreshTokenPrefix cannot contain braces in the cluster layout");
		}
		this.namespace = namespace;
		this.refreshTokenPrefix = refreshTokenPrefix;
		this.clustered = clustered;
		this.hashFieldLookups = hashFieldLookups;
	}

	/**
	 * Returns the key of an authorization.
	 * @param userId the principal name of the authorization
	 * @param authorizationId the authorization id
	 * @return {@code <namespace>:authorization:<id>}, or {@code <namespace>:authorization:{<user id>}:<id>}
	 */
	public String authorization(String userId, String authorizationId) {
		return this.clustered ? authorizationPrefix() + tag(userId) + ":" + authorizationId
				: authorizationPrefix() + authorizationId;
	}

	/**
	 * Returns what every authorization key starts with.
	 * @return {@code <namespace>:authorization:}
	 */
	public String authorizationPrefix() {
		return this.namespace + ":authorization:";
	}

	/**
	 * Returns the key that maps an authorization id to the authorization's key, written in the cluster layout
	 * only.
	 * @param authorizationId the authorization id
	 * @return {@code <namespace>:authorization_id:<id>}
	 */
	public String authorizationById(String authorizationId) {
		return this.namespace + ":authorization_id:" + authorizationId;
	}

	/**
	 * Returns the key that holds the lookup of a secret.
	 * @param digest the secret's digest
	 * @return {@code <namespace>:token:<digest>}, or with hash-field lookups the hash
	 * {@code <namespace>:tokens:<first two characters of the digest>}
	 */
	public String token(String digest) {
		return this.hashFieldLookups ? lookupHashPrefix() + digest.substring(0, 2) : tokenPrefix() + digest;
	}

	/**
	 * Returns what every lookup key starts with, the digest following (the lookups of the keys layout, also read
	 * as a fallback with hash-field lookups).
	 * @return {@code <namespace>:token:}
	 */
	public String tokenPrefix() {
		return this.namespace + ":token:";
	}

	/**
	 * Returns what every hash of hash-field lookups starts with.
	 * @return {@code <namespace>:tokens:}
	 */
	public String lookupHashPrefix() {
		return this.namespace + ":tokens:";
	}

	/**
	 * Returns the prefix the scripts' lookup functions take ({@code lookups-keys.lua},
	 * {@code lookups-hash-fields.lua}).
	 * @return {@link #lookupHashPrefix()} with hash-field lookups, else {@link #tokenPrefix()}
	 */
	String lookupPrefix() {
		return this.hashFieldLookups ? lookupHashPrefix() : tokenPrefix();
	}

	/**
	 * Returns the prefix of lookups in the other layout, which {@code find_by_token.lua} reads when a lookup is not
	 * found in this one (lookups written before a switch).
	 * @return {@link #tokenPrefix()} with hash-field lookups, else {@link #lookupHashPrefix()}
	 */
	String otherLookupPrefix() {
		return this.hashFieldLookups ? tokenPrefix() : lookupHashPrefix();
	}

	/**
	 * Whether lookups are fields of shared hashes rather than keys.
	 * @return {@code true} with hash-field lookups
	 */
	public boolean hasHashFieldLookups() {
		return this.hashFieldLookups;
	}

	/**
	 * Returns the key of a user's refresh-token index.
	 * @param userId the principal name
	 * @return {@code <namespace>:user_refresh_tokens:<user id>}, or {@code ...:{<user id>}} in the cluster layout
	 */
	public String userIndex(String userId) {
		return this.namespace + ":user_refresh_tokens:" + (this.clustered ? tag(userId) : userId);
	}

	/**
	 * Returns the key of a refresh-token record.
	 * @param userId the principal name
	 * @param jti the token's jti
	 * @return {@code <refresh prefix>:<user id>:<jti>}, or {@code <refresh prefix>:{<user id>}:<jti>} in the cluster
	 * layout
	 */
	public String refreshTokenRecord(String userId, String jti) {
		return refreshTokenRecordPrefix() + (this.clustered ? tag(userId) : userId) + ":" + jti;
	}

	/**
	 * Returns what every refresh-token record key starts with.
	 * @return {@code <refresh prefix>:}
	 */
	public String refreshTokenRecordPrefix() {
		return this.refreshTokenPrefix + ":";
	}

	/**
	 * Whether these are the cluster layout's key names.
	 * @return {@code true} for the cluster layout
	 */
	public boolean isClustered() {
		return this.clustered;
	}

	/**
	 * Redis hashes only what lies between the first '{' and the first '}' after it; a user id that starts with
	 * '}' would leave that empty and spread the user's keys over several slots. Such ids (and, to keep the
	 * names one-to-one, ids that start with the escape itself) get a leading backslash.
	 */
	private static String tag(String userId) {
		boolean escape = userId.isEmpty() || userId.charAt(0) == '}' || userId.charAt(0) == '\\';
		return escape ? "{\\" + userId + "}" : "{" + userId + "}";
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
