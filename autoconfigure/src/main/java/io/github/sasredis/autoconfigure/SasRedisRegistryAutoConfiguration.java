package io.github.sasredis.autoconfigure;

import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.store.RedisRefreshTokenRegistry;
import io.github.sasredis.store.RefreshTokenRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link RefreshTokenRegistry} (list and revoke one user's refresh tokens) of the
 * {@link RedisOAuth2AuthorizationService} in use, whether auto-configured or the application's own.
 */
@AutoConfiguration(after = SasRedisAutoConfiguration.class)
@ConditionalOnBean(RedisOAuth2AuthorizationService.class)
public final class SasRedisRegistryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RefreshTokenRegistry refreshTokenRegistry(RedisOAuth2AuthorizationService store) {
		return new RedisRefreshTokenRegistry(store);
	}

}
