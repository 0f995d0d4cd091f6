package io.github.sasredis.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.github.sasredis.store.mapping.TokenKind;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.ValueOperations;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * One call of {@code save.lua} for one authorization: the digest of every secret it holds, their lookup keys and
 * values with TTLs, the refresh-token record, the document, and the script's keys and arguments in the order the
 * script reads them (see the script's header). In the cluster layout it also writes the lookups after the
 * script.
 */
final class SaveCall {

	private final RedisKeys keys;

	private final String authorizationKey;

	private final String authorizationByIdKey;

	private final List<String> lookupKeys = new ArrayList<>();

	private final List<String> lookupArgs = new ArrayList<>();

	private final long authorizationTtl;

	private final @Nullable RefreshTokenRecord record;

	private final String rotatedOutValue;

	private final List<String> scriptKeys;

	private final List<Object> args;

	SaveCall(RedisOAuth2AuthorizationService store, OAuth2Authorization authorization, Instant now) {
		RedisKeys keys = store.getKeys();
		this.keys = keys;
		String userId = authorization.getPrincipalName();
		this.authorizationKey = keys.authorization(userId, authorization.getId());
		this.authorizationByIdKey = keys.authorizationById(authorization.getId());
		Map<TokenKind, String> digests = new EnumMap<>(TokenKind.class);
		long ttlWithoutExpiry = store.getTtlWithoutExpiry().toMillis();
		long authorizationTtl = 0;
		String state = authorization.getAttribute(OAuth2ParameterNames.STATE);
		if (state != null) {
			String digest = store.digestOf(state);
			digests.put(TokenKind.STATE, digest);
			authorizationTtl = ttlWithoutExpiry;
			addLookup(keys, digest, lookupValue(TokenKind.STATE, ""), authorizationTtl);
		}
		String recordKey = keys.refreshTokenRecord(userId, "-");
		String refreshDigest = "";
		String jti = "";
		RefreshTokenRecord record = null;
		boolean liveRefreshToken = false;
		for (TokenKind kind : TokenKind.values()) {
			OAuth2Authorization.Token<? extends OAuth2Token> token = kind.tokenIn(authorization);
			if (token == null) {
				continue;
			}
			String digest = store.digestOf(token.getToken().getTokenValue());
			digests.put(kind, digest);
			long ttl = store.ttlMillis(now, token.getToken().getExpiresAt());
			authorizationTtl = Math.max(authorizationTtl, ttl);
			String tokenRecordKey = "";
			if (kind == TokenKind.REFRESH_TOKEN) {
				jti = store.getDigester().jti(digest);
				recordKey = keys.refreshTokenRecord(userId, jti);
				tokenRecordKey = recordKey;
				refreshDigest = digest;
				liveRefreshToken = !token.isInvalidated();
				record = store.recordOf(authorization, jti, token.getToken(), now);
			}
			// with hash-field lookups the record key stays out of the lookup (find_by_token.lua reads it from the
			// authorization), so that a lookup fits a small hash's compact encoding (values up to 64 bytes)
			addLookup(keys, digest, lookupValue(kind, keys.hasHashFieldLookups() ? "" : tokenRecordKey), ttl);
		}
		this.authorizationTtl = (authorizationTtl != 0) ? authorizationTtl : ttlWithoutExpiry;
		this.record = record;
		this.rotatedOutValue = new Lookup(Lookup.ROTATED_OUT, this.authorizationKey, "").encode(keys);
		// the digests as the authorization's header will hold them: the refresh token's, then the others in order
		List<String> headerDigests = new ArrayList<>(this.lookupArgs.size() / 3 + 1);
		if (!refreshDigest.isEmpty()) {
			headerDigests.add(refreshDigest);
		}
		for (int i = 0; i < this.lookupArgs.size(); i += 3) {
			if (!this.lookupArgs.get(i).equals(refreshDigest)) {
				headerDigests.add(this.lookupArgs.get(i));
			}
		}
		byte[] document = store.writeDocument(authorization, digests, jti.isEmpty() ? null : jti, headerDigests);
		Object expectedVersion = authorization.getAttribute(RedisOAuth2AuthorizationService.VERSION_ATTRIBUTE);
		boolean clustered = keys.isClustered();

		this.scriptKeys = new ArrayList<>(3 + this.lookupKeys.size());
		this.scriptKeys.add(this.authorizationKey);
		this.scriptKeys.add(keys.userIndex(userId));
		this.scriptKeys.add(recordKey);
		if (!clustered) {
			this.scriptKeys.addAll(this.lookupKeys);
		}
		this.args = new ArrayList<>(15 + this.lookupArgs.size());
		this.args.add(document);
		this.args.add((expectedVersion != null) ? expectedVersion.toString() : "");
		this.args.add(Long.toString(this.authorizationTtl));
		this.args.add(Long.toString(now.toEpochMilli()));
		this.args.add(liveRefreshToken ? "1" : "0");
		this.args.add(refreshDigest);
		this.args.add((record != null) ? store.getRecordMapper().write(record) : "");
		this.args.add((record != null) ? Long.toString(store.recordTtlSeconds(now, record)) : "0");
		this.args.add((record != null) ? Long.toString(record.expiresAt().toEpochMilli()) : "0");
		this.args.add(jti);
		this.args.add(Long.toString(store.getGrace().toMillis()));
		this.args.add(this.rotatedOutValue);
		this.args.add(clustered ? "0" : "1");
		this.args.add(keys.lookupPrefix());
		this.args.add(Integer.toString(this.lookupKeys.size()));
		this.args.addAll(this.lookupArgs);
	}

	private String lookupValue(TokenKind kind, String recordKey) {
		return new Lookup(kind.code().charAt(0), this.authorizationKey, recordKey).encode(this.keys);
	}

	private void addLookup(RedisKeys keys, String digest, String value, long ttlMillis) {
		this.lookupKeys.add(keys.token(digest));
		this.lookupArgs.add(digest);
		this.lookupArgs.add(value);
		this.lookupArgs.add(Long.toString(ttlMillis));
	}

	List<String> scriptKeys() {
		return this.scriptKeys;
	}

	Object[] args() {
		return this.args.toArray();
	}

	@Nullable RefreshTokenRecord record() {
		return this.record;
	}

	/**
	 * Cluster layout: lookup keys live in slots of their own, so they are written after the user's script. Until
	 * then a new token is unknown (it has not been handed out yet); a lookup left behind by a crash names a
	 * secret the authorization no longer holds, which {@code findByToken} checks.
	 * @param redis the Redis operations
	 * @param result what the script returned
	 * @param nowMillis the current time
	 */
	void writeLookups(RedisOperations<String, String> redis, List<?> result, long nowMillis) {
		ValueOperations<String, String> values = redis.opsForValue();
		for (int i = 0; i < this.lookupKeys.size(); i++) {
			values.set(this.lookupKeys.get(i), this.lookupArgs.get(3 * i + 1),
					Duration.ofMillis(Long.parseLong(this.lookupArgs.get(3 * i + 2))));
		}
		values.set(this.authorizationByIdKey, this.authorizationKey, Duration.ofMillis(this.authorizationTtl));
		String rotatedKey = String.valueOf(result.get(3));
		if (!rotatedKey.isEmpty()) {
			long until = Long.parseLong(String.valueOf(result.get(4))) - nowMillis;
			if (until > 0) {
				values.set(rotatedKey, this.rotatedOutValue, Duration.ofMillis(until));
			}
		}
		if (result.size() > 5) {
			redis.delete(result.subList(5, result.size()).stream().map(String::valueOf).toList());
		}
	}

}
