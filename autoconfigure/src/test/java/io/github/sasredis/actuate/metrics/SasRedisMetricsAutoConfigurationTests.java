package io.github.sasredis.actuate.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sasredis.actuate.TestAuthorizations;
import io.github.sasredis.actuate.TestAuthorizations.Issued;
import io.github.sasredis.autoconfigure.SasRedisAutoConfiguration;
import io.github.sasredis.autoconfigure.SasRedisMetricsAutoConfiguration;
import io.github.sasredis.autoconfigure.SasRedisRegistryAutoConfiguration;
import io.github.sasredis.store.RefreshTokenRegistry;
import io.github.sasredis.store.RevocationCause;
import io.github.sasredis.store.StoreOperationListener;
import io.github.sasredis.test.SharedRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the store's meters are auto-configured, and that the store really reports to them: with Boot's meter
 * registry, the operation timers and refresh-token counters move when the store saves and the registry revokes
 * against the real Redis.
 */
class SasRedisMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SasRedisAutoConfiguration.class,
				SasRedisRegistryAutoConfiguration.class, SasRedisMetricsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + SharedRedis.uri());

	private final ApplicationContextRunner withMeterRegistry = this.contextRunner
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

	@Test
	void runWhenMeterRegistryIsPresentShouldTimeStoreOperationsAndCountRefreshTokens() {
		this.withMeterRegistry.run((context) -> {
			assertThat(context).hasSingleBean(MicrometerStoreOperationListener.class);
			assertThat(context).hasSingleBean(RefreshTokenRevocationMetrics.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			Issued issued = TestAuthorizations.issue(TestAuthorizations.client(), "metrics-user");

			context.getBean(OAuth2AuthorizationService.class).save(issued.authorization());
			RefreshTokenRegistry registry = context.getBean(RefreshTokenRegistry.class);
			String jti = registry.findByUser("metrics-user").get(0).jti();
			registry.revoke("metrics-user", jti, RevocationCause.OPS);

			assertThat(timerCount(meters, "save")).isEqualTo(1);
			assertThat(timerCount(meters, "list")).isEqualTo(1);
			assertThat(timerCount(meters, "revoke")).isEqualTo(1);
			assertThat(meters.get(MicrometerStoreOperationListener.STORED).counter().count()).isEqualTo(1);
			assertThat(meters.get(RefreshTokenRevocationMetrics.REVOKED).tag("cause", "ops").counter().count())
				.isEqualTo(1);
			assertThat(meters.get(RefreshTokenRevocationMetrics.REVOKED).tag("cause", "rfc7009").counter().count())
				.isZero();
		});
	}

	@Test
	void runWhenNoMeterRegistryShouldNotRegisterMeters() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(StoreOperationListener.class);
			assertThat(context).doesNotHaveBean(RefreshTokenRevocationMetrics.class);
		});
	}

	@Test
	void runWhenMicrometerIsNotOnClassPathShouldNotRegisterMeters() {
		this.withMeterRegistry.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(OAuth2AuthorizationService.class);
			assertThat(context).doesNotHaveBean(StoreOperationListener.class);
			assertThat(context).doesNotHaveBean(RefreshTokenRevocationMetrics.class);
		});
	}

	@Test
	void runWhenUserDefinesStoreOperationListenerShouldBackOffAndStoreUsesTheUsersListener() {
		RecordingListener listener = new RecordingListener();
		this.withMeterRegistry.withBean(StoreOperationListener.class, () -> listener).run((context) -> {
			assertThat(context).hasSingleBean(StoreOperationListener.class);
			assertThat(context).doesNotHaveBean(MicrometerStoreOperationListener.class);
			assertThat(context).hasSingleBean(RefreshTokenRevocationMetrics.class);

			context.getBean(OAuth2AuthorizationService.class)
				.save(TestAuthorizations.issue(TestAuthorizations.client(), "listener-user").authorization());

			assertThat(listener.operations).containsExactly("save");
		});
	}

	private static long timerCount(MeterRegistry meters, String operation) {
		return meters.get(MicrometerStoreOperationListener.OPERATIONS)
			.tags("operation", operation, "outcome", "success", "exception", "none")
			.timer()
			.count();
	}

	static class RecordingListener implements StoreOperationListener {

		final List<String> operations = new CopyOnWriteArrayList<>();

		@Override
		public void onOperation(String operation, long nanos, @Nullable Throwable error) {
			this.operations.add(operation);
		}

	}

}
