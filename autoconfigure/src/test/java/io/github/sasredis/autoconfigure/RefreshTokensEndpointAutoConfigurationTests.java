package io.github.sasredis.autoconfigure;

import io.github.sasredis.actuate.endpoint.RefreshTokensEndpoint;
import io.github.sasredis.store.RefreshTokenRegistry;
import io.github.sasredis.test.SharedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the {@code refreshtokens} endpoint is auto-configured: only when Actuator is on the class path, a
 * {@link RefreshTokenRegistry} exists, and the application made the endpoint available (exposed, not disabled).
 */
class RefreshTokensEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SasRedisAutoConfiguration.class,
				SasRedisRegistryAutoConfiguration.class, RefreshTokensEndpointAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + SharedRedis.uri());

	@Test
	void runWhenEndpointIsExposedShouldRegisterEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=refreshtokens")
			.run((context) -> {
				assertThat(context).hasSingleBean(RefreshTokensEndpoint.class);
				assertThat(context).hasSingleBean(RefreshTokenRegistry.class);
			});
	}

	@Test
	void runWhenEndpointIsNotExposedShouldNotRegisterEndpoint() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RefreshTokenRegistry.class);
			assertThat(context).doesNotHaveBean(RefreshTokensEndpoint.class);
		});
	}

	@Test
	void runWhenAllEndpointsButThisAreExposedShouldNotRegisterEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoints.web.exposure.exclude=refreshtokens")
			.run((context) -> assertThat(context).doesNotHaveBean(RefreshTokensEndpoint.class));
	}

	@Test
	void runWhenEndpointAccessIsNoneShouldNotRegisterEndpoint() {
		// upper case: a bare context runner lacks the lenient enum conversion that accepts "none" in applications
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=refreshtokens",
					"management.endpoint.refreshtokens.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(RefreshTokensEndpoint.class));
	}

	@Test
	void runWhenActuatorIsNotOnClassPathShouldNotRegisterEndpoint() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withConfiguration(AutoConfigurations.of(SasRedisMetricsAutoConfiguration.class,
					SasRedisAuditAutoConfiguration.class, SasRedisWebAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=refreshtokens")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RefreshTokenRegistry.class);
				assertThat(context).doesNotHaveBean(RefreshTokensEndpoint.class);
			});
	}

	@Test
	void runWhenNoRefreshTokenRegistryShouldNotRegisterEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=refreshtokens", "sas-redis.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RefreshTokenRegistry.class);
				assertThat(context).doesNotHaveBean(RefreshTokensEndpoint.class);
			});
	}

	@Test
	void runWhenUserDefinesEndpointShouldBackOff() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=refreshtokens")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(RefreshTokensEndpoint.class)
				.hasBean("userRefreshTokensEndpoint"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		RefreshTokensEndpoint userRefreshTokensEndpoint(RefreshTokenRegistry registry) {
			return new RefreshTokensEndpoint(registry);
		}

	}

}
