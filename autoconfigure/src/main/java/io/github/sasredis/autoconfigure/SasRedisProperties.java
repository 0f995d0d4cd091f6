package io.github.sasredis.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.sasredis.store.RedisKeys;
import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the Redis authorization store.
 */
@ConfigurationProperties("sas-redis")
public class SasRedisProperties {

	/**
	 * Whether to keep Spring Authorization Server's authorizations in Redis.
	 */
	private boolean enabled = true;

	/**
	 * Namespace (key prefix) of the store's own keys.
	 */
	private String namespace = RedisKeys.DEFAULT_NAMESPACE;

	/**
	 * Prefix of the refresh-token record keys, '<prefix>:<user id>:<jti>'.
	 */
	private String refreshTokenKeyPrefix = RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX;

	/**
	 * Key layout: 'auto' picks 'cluster' when the connection factory talks to a Redis Cluster, else 'standalone'.
	 * The cluster layout puts every key of one user into one hash slot with a '{<user id>}' hash tag.
	 */
	private KeyLayout keyLayout = KeyLayout.AUTO;

	/**
	 * Where the lookup of each token (digest to authorization) is kept: 'keys', one key per token, or 'hash-fields',
	 * fields with a TTL of their own in 4,096 shared hashes (needs Redis 8.0 or later, standalone or Sentinel; fewer
	 * keys and less memory per grant). Either setting also reads lookups the other wrote, so tokens issued before a
	 * switch keep working until they expire.
	 */
	private LookupLayout lookupLayout = LookupLayout.KEYS;

	/**
	 * Grace added to every key's time to live; a refresh-token record lives for the token's lifetime plus this.
	 */
	private Duration grace = RedisOAuth2AuthorizationService.DEFAULT_GRACE;

	/**
	 * Time to live of what carries no expiry, such as an authorization awaiting the user's consent.
	 */
	private Duration ttlWithoutExpiry = RedisOAuth2AuthorizationService.DEFAULT_TTL_WITHOUT_EXPIRY;

	/**
	 * How long after a rotation the immediate predecessor of the current refresh token is still accepted instead
	 * of being taken as reuse, which revokes the whole grant. Zero accepts no rotated-out token.
	 */
	private Duration rotationGracePeriod = Duration.ZERO;

	/**
	 * Number of replicas that must acknowledge each write (Redis WAIT) before it counts as done; 0 does not wait.
	 * With replication being asynchronous, a failover can otherwise lose the last acknowledged writes.
	 */
	private int replicasToAwait;

	/**
	 * How long to wait for the replicas; a write that fewer replicas acknowledge in time fails.
	 */
	private Duration replicaTimeout = Duration.ofSeconds(1);

	/**
	 * Secret of the HMAC-SHA-256 that digests token values (at least 32 bytes). When not set, plain SHA-256 is
	 * used. Changing it makes every stored token unknown.
	 */
	private @Nullable String digestSecret;

	/**
	 * Whether to compress the authorization documents the store writes (DEFLATE with a preset dictionary, about a
	 * quarter of the JSON's size). Documents in either form are read whatever this is.
	 */
	private boolean compressDocuments = true;

	/**
	 * Number of decoded attribute sets (principal, authorization request) kept in memory by the JSON they were read
	 * from, so that reading a grant again does not decode them again; 0 switches this off. Reads of one grant then
	 * share those objects, as with the in-memory store. Each entry costs a few KB of heap.
	 */
	private int attributeCacheSize = OAuth2AuthorizationDocumentMapper.DEFAULT_ATTRIBUTE_CACHE_SIZE;

	/**
	 * Class-name prefixes of the application's own types that may appear in authorization attributes, such as a
	 * custom principal, in addition to Spring Security's.
	 */
	private List<String> allowedTypePrefixes = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(String namespace) {
		this.namespace = namespace;
	}

	public String getRefreshTokenKeyPrefix() {
		return this.refreshTokenKeyPrefix;
	}

	public void setRefreshTokenKeyPrefix(String refreshTokenKeyPrefix) {
		this.refreshTokenKeyPrefix = refreshTokenKeyPrefix;
	}

	public KeyLayout getKeyLayout() {
		return this.keyLayout;
	}

	public void setKeyLayout(KeyLayout keyLayout) {
		this.keyLayout = keyLayout;
	}

	public LookupLayout getLookupLayout() {
		return this.lookupLayout;
	}

	public void setLookupLayout(LookupLayout lookupLayout) {
		this.lookupLayout = lookupLayout;
	}

	public Duration getGrace() {
		return this.grace;
	}

	public void setGrace(Duration grace) {
		this.grace = grace;
	}

	public Duration getTtlWithoutExpiry() {
		return this.ttlWithoutExpiry;
	}

	public void setTtlWithoutExpiry(Duration ttlWithoutExpiry) {
		this.ttlWithoutExpiry = ttlWithoutExpiry;
	}

	public Duration getRotationGracePeriod() {
		return this.rotationGracePeriod;
	}

	public void setRotationGracePeriod(Duration rotationGracePeriod) {
		this.rotationGracePeriod = rotationGracePeriod;
	}

	public int getReplicasToAwait() {
		return this.replicasToAwait;
	}

	public void setReplicasToAwait(int replicasToAwait) {
		this.replicasToAwait = replicasToAwait;
	}

	public Duration getReplicaTimeout() {
		return this.replicaTimeout;
	}

	public void setReplicaTimeout(Duration replicaTimeout) {
		this.replicaTimeout = replicaTimeout;
	}

	public @Nullable String getDigestSecret() {
		return this.digestSecret;
	}

	public void setDigestSecret(@Nullable String digestSecret) {
		this.digestSecret = digestSecret;
	}

	public boolean isCompressDocuments() {
		return this.compressDocuments;
	}

	public void setCompressDocuments(boolean compressDocuments) {
		this.compressDocuments = compressDocuments;
	}

	public int getAttributeCacheSize() {
		return this.attributeCacheSize;
	}

	public void setAttributeCacheSize(int attributeCacheSize) {
		this.attributeCacheSize = attributeCacheSize;
	}

	public List<String> getAllowedTypePrefixes() {
		return this.allowedTypePrefixes;
	}

	public void setAllowedTypePrefixes(List<String> allowedTypePrefixes) {
		this.allowedTypePrefixes = allowedTypePrefixes;
	}

	/**
	 * How the store names its keys.
	 */
	public enum KeyLayout {

		/** Cluster when the connection factory is cluster-aware, else standalone. */
		AUTO,

		/** Keys as the existing tooling reads them: {@code refresh_token:<user id>:<jti>}. */
		STANDALONE,

		/** Keys of one user share a hash slot: {@code refresh_token:{<user id>}:<jti>}. */
		CLUSTER

	}

	/**
	 * Where the store keeps the lookup of each token.
	 */
	public enum LookupLayout {

		/** One key per token: {@code <namespace>:token:<digest>}. */
		KEYS,

		/**
		 * Fields of shared hashes, each with its own TTL: field {@code <digest>} of
		 * {@code <namespace>:tokens:<first two characters of the digest>} (Redis 8.0 or later, not with Redis Cluster).
		 */
		HASH_FIELDS

	}

}
