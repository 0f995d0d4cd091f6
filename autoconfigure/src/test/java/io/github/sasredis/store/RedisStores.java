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
		return connectionFactory(SharedRedis.host(), SharedRedis.port());
	}

	static LettuceConnectionFactory connectionFactory(String host, int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
