package io.github.sasredis.autoconfigure;

import io.github.sasredis.actuate.endpoint.RefreshTokensEndpoint;
import io.github.sasredis.store.RefreshTokenRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link RefreshTokensEndpoint}, kept apart from the store's so that Actuator stays an
 * optional dependency. Like every Actuator endpoint it is only created when available: not disabled
 * ({@code management.endpoint.refreshtokens.access}) and exposed
 * ({@code management.endpoints.web.exposure.include=refreshtokens}), which it is not by default.
 */
@AutoConfiguration(after = SasRedisRegistryAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
public final class RefreshTokensEndpointAutoConfiguration {

	// on the method, not the class: the class-level class condition then skips this class before the endpoint
	// condition (an Actuator class) has to be loaded, also where no auto-configuration metadata filters it first
	@Bean
	@ConditionalOnAvailableEndpoint(RefreshTokensEndpoint.class)
	@ConditionalOnMissingBean
	@ConditionalOnBean(RefreshTokenRegistry.class)
	RefreshTokensEndpoint refreshTokensEndpoint(RefreshTokenRegistry registry) {
		return new RefreshTokensEndpoint(registry);
	}

}
