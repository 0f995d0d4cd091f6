package io.github.sasredis.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * The contract run against the Redis store in the cluster key layout on a real three-master Redis Cluster.
 */
class RedisClusterContractTests extends OAuth2AuthorizationServiceContractTests {

	private static LettuceConnectionFactory connectionFactory;

	private static RedisOAuth2AuthorizationService service;

	@BeforeAll
	static void connect() {
		connectionFactory = ClusterStores.connectionFactory();
		service = ClusterStores.store(connectionFactory);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@BeforeEach
	void flush() {
		ClusterStores.cluster().flushAll();
	}

	@Override
	OAuth2AuthorizationService service() {
		return service;
	}

}
