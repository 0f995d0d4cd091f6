package io.github.sasredis.store;

import java.util.List;

import io.github.sasredis.test.Redis8;
import io.github.sasredis.test.RedisTestClient;

/**
 * Every test of {@link RefreshTokenReuseTests} again with hash-field lookups on Redis 8: a rotated-out refresh
 * token's lookup is a field that expires with the old token.
 */
class HashFieldLookupsReuseTests extends RefreshTokenReuseTests {

	@Override
	RedisTestClient redisClient() {
		return Redis8.client();
	}

	@Override
	RedisKeys keys() {
		return new RedisKeys(RedisKeys.DEFAULT_NAMESPACE, RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX, false, true);
	}

	@Override
	String lookup(String digest) {
		return (String) this.redis.command("HGET", "oauth2:tokens:" + digest.substring(0, 2), digest);
	}

	@Override
	long lookupTtl(String digest) {
		List<?> ttl = (List<?>) this.redis.command("HPTTL", "oauth2:tokens:" + digest.substring(0, 2), "FIELDS", "1",
				digest);
		return (Long) ttl.get(0);
	}

}
