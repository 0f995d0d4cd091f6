package io.github.sasredis.autoconfigure;

import io.github.sasredis.actuate.metrics.MicrometerStoreOperationListener;
import io.github.sasredis.actuate.metrics.RefreshTokenRevocationMetrics;
import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.store.StoreOperationListener;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the token store's Micrometer meters when the application has a {@link MeterRegistry}:
 * the {@link StoreOperationListener} that times every Redis operation of the
 * {@link RedisOAuth2AuthorizationService} and counts stored refresh tokens, and the counter of revoked ones.
 * It runs after Boot's meter registry auto-configurations, so that their registry is seen, and before the store's,
 * whose bean takes the (single) listener when it is created. An application that defines its own
 * {@link StoreOperationListener} replaces the timers and the stored counter.
 */
@AutoConfiguration(before = SasRedisAutoConfiguration.class,
		afterName = { SasRedisMetricsAutoConfiguration.METRICS + "MetricsAutoConfiguration",
				SasRedisMetricsAutoConfiguration.METRICS + "CompositeMeterRegistryAutoConfiguration",
				SasRedisMetricsAutoConfiguration.METRICS + "export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class SasRedisMetricsAutoConfiguration {

	/** Package of Boot's meter registry auto-configurations (module spring-boot-micrometer-metrics). */
	static final String METRICS = "org.springframework.boot.micrometer.metrics.autoconfigure.";

	@Bean
	@ConditionalOnMissingBean(StoreOperationListener.class)
	MicrometerStoreOperationListener sasRedisStoreOperationListener(MeterRegistry meterRegistry) {
		return new MicrometerStoreOperationListener(meterRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	RefreshTokenRevocationMetrics sasRedisRefreshTokenRevocationMetrics(MeterRegistry meterRegistry) {
		return new RefreshTokenRevocationMetrics(meterRegistry);
	}

}
