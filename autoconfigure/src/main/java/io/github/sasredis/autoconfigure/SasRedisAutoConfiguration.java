package io.github.sasredis.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.sasredis.store.RedisKeys;
import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.store.StoreOperationListener;
import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.store.mapping.DocumentEncoding;
import io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration that makes Spring Authorization Server keep its authorizations in Redis: registers a
 * {@link RedisOAuth2AuthorizationService} on Boot's {@link RedisConnectionFactory} unless the application defines
 * its own {@link OAuth2AuthorizationService}.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ OAuth2Authorization.class, RedisConnectionFactory.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnProperty(prefix = "sas-redis", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SasRedisProperties.class)
public final class SasRedisAutoConfiguration {

	private static final Log logger = LogFactory.getLog(SasRedisAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	OAuth2AuthorizationDocumentMapper sasRedisDocumentMapper(SasRedisProperties properties) {
		ClassLoader classLoader = SasRedisAutoConfiguration.class.getClassLoader();
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper(
				OAuth2AuthorizationDocumentMapper.createJsonMapper(classLoader,
						(allowlist) -> properties.getAllowedTypePrefixes().forEach(allowlist::allowIfSubType)));
		mapper.setAttributeCacheSize(properties.getAttributeCacheSize());
		return mapper;
	}

	@Bean
	@ConditionalOnMissingBean(OAuth2AuthorizationService.class)
	RedisOAuth2AuthorizationService redisOAuth2AuthorizationService(RedisConnectionFactory connectionFactory,
			SasRedisProperties properties, OAuth2AuthorizationDocumentMapper documentMapper,
			ApplicationEventPublisher eventPublisher, ObjectProvider<RegisteredClientRepository> clients,
			ObjectProvider<StoreOperationListener> listeners) {
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		// the store's callbacks never close the connection they are given: no close-suppressing proxy per command
		redis.setExposeConnection(true);
		RedisOAuth2AuthorizationService service = new RedisOAuth2AuthorizationService(redis);
		boolean clustered = isClustered(properties.getKeyLayout(), connectionFactory);
		if (clustered && properties.getReplicasToAwait() > 0) {
			throw new IllegalStateException(
					"sas-redis.replicas-to-await is not supported with Redis Cluster (cluster key layout)");
		}
		boolean hashFieldLookups = properties.getLookupLayout() == SasRedisProperties.LookupLayout.HASH_FIELDS;
		if (hashFieldLookups) {
			if (clustered) {
				throw new IllegalStateException(
						"sas-redis.lookup-layout=hash-fields is not supported with Redis Cluster (cluster key layout)");
			}
			requireHashFieldExpiry(redis);
		}
		service.setKeys(new RedisKeys(properties.getNamespace(), properties.getRefreshTokenKeyPrefix(), clustered,
				hashFieldLookups));
		service.setDocumentMapper(documentMapper);
		service.setDocumentEncoding(
				properties.isCompressDocuments() ? DocumentEncoding.compressed() : DocumentEncoding.plain());
		service.setGrace(properties.getGrace());
		service.setTtlWithoutExpiry(properties.getTtlWithoutExpiry());
		service.setRotationGracePeriod(properties.getRotationGracePeriod());
		service.setReplicasToAwait(properties.getReplicasToAwait(), properties.getReplicaTimeout());
		String secret = properties.getDigestSecret();
		if (secret != null && !secret.isEmpty()) {
			service.setDigester(TokenDigester.hmacSha256(secret.getBytes(StandardCharsets.UTF_8)));
		}
		service.setEventPublisher(eventPublisher);
		clients.ifAvailable(service::setRegisteredClientRepository);
		listeners.ifUnique(service::setOperationListener);
		return service;
	}

	/**
	 * Hash-field lookups need {@code HSETEX} (Redis 8.0): refuse to start on a server that lacks it rather than fail
	 * every token request. A server that cannot be asked now (not up yet) is asked by the first write instead.
	 */
	static void requireHashFieldExpiry(StringRedisTemplate redis) {
		boolean supported;
		try {
			supported = hasHashFieldExpiry(redis);
		}
		catch (DataAccessException ex) {
			logger.warn("Could not check that Redis supports sas-redis.lookup-layout=hash-fields (HSETEX, Redis 8.0+): "
					+ ex.getClass().getSimpleName());
			return;
		}
		if (!supported) {
			throw new IllegalStateException("sas-redis.lookup-layout=hash-fields needs Redis 8.0 or later (HSETEX), "
					+ "which this Redis does not have; use sas-redis.lookup-layout=keys");
		}
	}

	/** Asks the server from Lua, whose reply is a plain integer whatever the client makes of COMMAND's replies. */
	private static final RedisScript<Long> HAS_HSETEX = RedisScript
		.of("return redis.call('COMMAND', 'INFO', 'HSETEX')[1] and 1 or 0", Long.class);

	/**
	 * Whether the server has {@code HSETEX}.
	 * @param redis the Redis operations
	 * @return whether it has
	 * @throws DataAccessException when the server cannot be asked
	 */
	static boolean hasHashFieldExpiry(StringRedisTemplate redis) {
		return Long.valueOf(1).equals(redis.execute(HAS_HSETEX, List.of()));
	}

	static boolean isClustered(SasRedisProperties.KeyLayout layout, RedisConnectionFactory connectionFactory) {
		return switch (layout) {
			case CLUSTER -> true;
			case STANDALONE -> false;
			case AUTO -> LETTUCE_PRESENT && LettuceClusterDetection.isCluster(connectionFactory);
		};
	}

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent(
			"org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
			SasRedisAutoConfiguration.class.getClassLoader()) && ClassUtils.isPresent("io.lettuce.core.RedisClient",
					SasRedisAutoConfiguration.class.getClassLoader());

	/**
	 * Kept apart so that Lettuce stays an optional dependency.
	 */
	private static final class LettuceClusterDetection {

		static boolean isCluster(RedisConnectionFactory connectionFactory) {
			return connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
		}

	}

}
