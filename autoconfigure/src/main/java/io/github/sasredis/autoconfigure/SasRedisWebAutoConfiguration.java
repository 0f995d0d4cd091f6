package io.github.sasredis.autoconfigure;

import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.web.OAuth2ErrorResponseFilter;
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
 * Auto-configuration that makes a servlet authorization server answer with an OAuth2 error body, not a 500 page
 * or a login redirect, when Redis is unreachable (fail closed, 503) or a request body is not valid form encoding
 * (400): registers the {@link OAuth2ErrorResponseFilter} in front of Spring Security's filter chain.
 */
@AutoConfiguration(after = SasRedisAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class, FilterRegistrationBean.class })
@ConditionalOnBean(RedisOAuth2AuthorizationService.class)
public final class SasRedisWebAutoConfiguration {

	/** Order of the filter: just before Spring Security's filter chain (-100 by default). */
	static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Bean
	@ConditionalOnMissingBean(name = "oauth2ErrorResponseFilter")
	FilterRegistrationBean<OAuth2ErrorResponseFilter> oauth2ErrorResponseFilter() {
		FilterRegistrationBean<OAuth2ErrorResponseFilter> registration = new FilterRegistrationBean<>(
				new OAuth2ErrorResponseFilter());
		registration.setOrder(FILTER_ORDER);
		return registration;
	}

}
