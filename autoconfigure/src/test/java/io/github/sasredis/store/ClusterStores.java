package io.github.sasredis.store;

import io.github.sasredis.test.RedisCluster;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis Cluster the cluster tests of one JVM share (started on first use, stopped with the JVM), and stores
 * on it in the cluster key layout.
 */
final class ClusterStores {

	private ClusterStores() {
	}

	static RedisCluster cluster() {
		return RedisCluster.shared();
	}

	static LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisClusterConfiguration(cluster().addresses()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	static RedisOAuth2AuthorizationService store(LettuceConnectionFactory connectionFactory) {
		RedisOAuth2AuthorizationService service = new RedisOAuth2AuthorizationService(
				new StringRedisTemplate(connectionFactory));
		service.setKeys(new RedisKeys(RedisKeys.DEFAULT_NAMESPACE, RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX, true));
		return service;
	}

}
