package io.github.sasredis.store;

import io.github.sasredis.test.SharedRedis;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Connection factories on the tests' shared Redis.
 */
final class RedisStores {

	private RedisStores() {
	}

	static LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(SharedRedis.host(), SharedRedis.port()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
