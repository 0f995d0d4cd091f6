package io.github.sasredis.store;

import io.github.sasredis.test.Redis8;
import io.github.sasredis.test.RedisTestClient;

/**
 * Every test of {@link ConcurrentRotationTests} again with hash-field lookups on Redis 8.
 */
class HashFieldLookupsRotationTests extends ConcurrentRotationTests {

	@Override
	RedisTestClient redisClient() {
		return Redis8.client();
	}

	@Override
	RedisKeys keys() {
		return new RedisKeys(RedisKeys.DEFAULT_NAMESPACE, RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX, false, true);
	}

}
