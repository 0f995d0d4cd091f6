package io.github.sasredis.store;

import io.github.sasredis.test.RedisTestClient;
import io.github.sasredis.test.SharedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * The contract run against the Redis store on a real Redis.
 */
class RedisOAuth2AuthorizationServiceContractTests extends OAuth2AuthorizationServiceContractTests {

	private static LettuceConnectionFactory connectionFactory;

	private static RedisOAuth2AuthorizationService service;

	@BeforeAll
	static void connect() {
		connectionFactory = RedisStores.connectionFactory();
		service = new RedisOAuth2AuthorizationService(new StringRedisTemplate(connectionFactory));
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@BeforeEach
	void flush() {
		RedisTestClient.shared().flushAll();
	}

	@Override
	OAuth2AuthorizationService service() {
		return service;
	}

}
