package io.github.sasredis.actuate.metrics;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.sasredis.store.RefreshTokenRecord;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names and tags of the store's timer and stored-token counter.
 */
class MicrometerStoreOperationListenerTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerStoreOperationListener listener = new MicrometerStoreOperationListener(this.registry);

	@Test
	void onOperationWhenSucceededThenTimedWithSuccessOutcome() {
		this.listener.onOperation("findByToken", TimeUnit.MILLISECONDS.toNanos(3), null);

		Timer timer = this.registry.get("sas.redis.operations")
			.tags("operation", "findByToken", "outcome", "success", "exception", "none")
			.timer();
		assertThat(timer.count()).isEqualTo(1);
		assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3);
	}

	@Test
	void onOperationWhenFailedThenTimedWithErrorOutcomeAndExceptionName() {
		this.listener.onOperation("save", 1000, new RedisConnectionFailureException("down"));

		assertThat(this.registry.get("sas.redis.operations")
			.tags("operation", "save", "outcome", "error", "exception", "RedisConnectionFailureException")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.find("sas.redis.operations").tag("outcome", "success").timer()).isNull();
	}

	@Test
	void onRefreshTokenRecordedThenStoredCounterIncremented() {
		assertThat(this.registry.get("sas.redis.refresh_tokens.stored").counter().count()).isZero();

		this.listener.onRefreshTokenRecorded(new RefreshTokenRecord("user", "AAAAAAAAAAAAAAAAAAAAAA", "client",
				"authorization", Instant.now(), Instant.now().plusSeconds(60), Set.of("read")));

		assertThat(this.registry.get("sas.redis.refresh_tokens.stored").counter().count()).isEqualTo(1);
	}

}
