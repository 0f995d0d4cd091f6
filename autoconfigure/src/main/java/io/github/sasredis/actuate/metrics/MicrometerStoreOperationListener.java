package io.github.sasredis.actuate.metrics;

import java.util.concurrent.TimeUnit;

import io.github.sasredis.store.RefreshTokenRecord;
import io.github.sasredis.store.StoreOperationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * {@link StoreOperationListener} that turns what the store does into Micrometer meters, so that Redis latency and
 * errors of the token store, and the rate of newly issued refresh tokens, show up on the usual dashboards.
 * <ul>
 * <li>{@value #OPERATIONS} (timer), tags {@code operation} ({@code save}, {@code remove}, {@code findById},
 * {@code findByToken}, {@code list}, {@code findByUserAndJti}, {@code revoke}, {@code revokeAll}),
 * {@code outcome} ({@code success} or {@code error}) and {@code exception} (simple class name, or
 * {@code none});</li>
 * <li>{@value #STORED} (counter): refresh tokens newly recorded.</li>
 * </ul>
 */
public class MicrometerStoreOperationListener implements StoreOperationListener {

	/** Name of the timer around each store operation. */
	public static final String OPERATIONS = "sas.redis.operations";

	/** Name of the counter of refresh tokens newly recorded. */
	public static final String STORED = "sas.redis.refresh_tokens.stored";

	private final MeterProvider<Timer> operations;

	private final Counter stored;

	/**
	 * Creates the listener.
	 * @param registry the registry the meters are registered with
	 */
	public MicrometerStoreOperationListener(MeterRegistry registry) {
		Assert.notNull(registry, "registry cannot be null");
		this.operations = Timer.builder(OPERATIONS)
			.description("Redis operations of the Spring Authorization Server token store")
			.withRegistry(registry);
		this.stored = Counter.builder(STORED)
			.description("Refresh tokens newly recorded by the token store")
			.baseUnit("tokens")
			.register(registry);
	}

	@Override
	public void onOperation(String operation, long nanos, @Nullable Throwable error) {
		this.operations
			.withTags("operation", operation, "outcome", (error != null) ? "error" : "success", "exception",
					exceptionTag(error))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	private static String exceptionTag(@Nullable Throwable error) {
		if (error == null) {
			return "none";
		}
		String name = error.getClass().getSimpleName();
		return name.isEmpty() ? error.getClass().getName() : name;
	}

	@Override
	public void onRefreshTokenRecorded(RefreshTokenRecord record) {
		this.stored.increment();
	}

}
