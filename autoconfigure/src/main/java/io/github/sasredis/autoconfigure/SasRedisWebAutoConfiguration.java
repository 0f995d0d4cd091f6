package io.github.sasredis.autoconfigure;

import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.web.AuthorizationStoreUnavailableFilter;
import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Auto-configuration that makes a servlet authorization server fail closed with a clear answer when Redis is
 * unreachable: registers the {@link AuthorizationStoreUnavailableFilter} in front of Spring Security's filter
 * chain.
 */
@AutoConfiguration(after = SasRedisAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class, FilterRegistrationBean.class })
@ConditionalOnBean(RedisOAuth2AuthorizationService.class)
public final class SasRedisWebAutoConfiguration {

	/** Order of the filter: just before Spring Security's filter chain (-100 by default). */
	static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Bean
	@ConditionalOnMissingBean(name = "authorizationStoreUnavailableFilter")
	FilterRegistrationBean<AuthorizationStoreUnavailableFilter> authorizationStoreUnavailableFilter() {
		FilterRegistrationBean<AuthorizationStoreUnavailableFilter> registration = new FilterRegistrationBean<>(
				new AuthorizationStoreUnavailableFilter());
		registration.setOrder(FILTER_ORDER);
		return registration;
	}

}
