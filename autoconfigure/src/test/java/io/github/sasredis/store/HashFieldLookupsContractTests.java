package io.github.sasredis.store;

import io.github.sasredis.test.Redis8;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * The contract run against the Redis store with hash-field lookups on Redis 8.
 */
class HashFieldLookupsContractTests extends OAuth2AuthorizationServiceContractTests {

	private static LettuceConnectionFactory connectionFactory;

	private static RedisOAuth2AuthorizationService service;

	@BeforeAll
	static void connect() {
		connectionFactory = RedisStores.connectionFactory(Redis8.server().host(), Redis8.server().port());
		service = new RedisOAuth2AuthorizationService(new StringRedisTemplate(connectionFactory));
		service.setKeys(new RedisKeys(RedisKeys.DEFAULT_NAMESPACE, RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX, false, true));
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@BeforeEach
	void flush() {
		try (var redis = Redis8.client()) {
			redis.flushAll();
		}
	}

	@Override
	OAuth2AuthorizationService service() {
		return service;
	}

}
