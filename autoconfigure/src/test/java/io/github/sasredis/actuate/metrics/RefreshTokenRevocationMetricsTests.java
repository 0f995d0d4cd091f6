package io.github.sasredis.actuate.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.github.sasredis.store.RefreshTokenRecord;
import io.github.sasredis.store.RefreshTokenRevokedEvent;
import io.github.sasredis.store.RevocationCause;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The revoked-tokens counter: one series per cause, incremented by the number of revoked tokens; the reuse counter:
 * one per detected replay.
 */
class RefreshTokenRevocationMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final RefreshTokenRevocationMetrics metrics = new RefreshTokenRevocationMetrics(this.registry);

	@Test
	void constructorWhenCreatedThenEveryCauseIsRegisteredWithZero() {
		assertThat(this.registry.get("sas.redis.refresh_tokens.revoked").counters()).hasSize(3)
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(this.registry.get("sas.redis.refresh_tokens.revoked").counters())
			.extracting((counter) -> counter.getId().getTag("cause"))
			.containsExactlyInAnyOrder("ops", "rfc7009", "reuse");
	}

	@Test
	void onApplicationEventWhenTwoTokensRevokedThenCauseIncrementedByTwo() {
		this.metrics.onApplicationEvent(new RefreshTokenRevokedEvent(this, "user",
				List.of(record("AAAAAAAAAAAAAAAAAAAAAA"), record("BBBBBBBBBBBBBBBBBBBBBB")), RevocationCause.REUSE));

		assertThat(count("reuse")).isEqualTo(2);
		assertThat(count("ops")).isZero();
		assertThat(count("rfc7009")).isZero();
		assertThat(reuseDetected()).isEqualTo(1);
	}

	@Test
	void onApplicationEventWhenReuseLeftNothingToRevokeThenReuseStillCounted() {
		this.metrics.onApplicationEvent(new RefreshTokenRevokedEvent(this, "user", List.of(), RevocationCause.REUSE));
		this.metrics.onApplicationEvent(
				new RefreshTokenRevokedEvent(this, "user", List.of(record("CCCCCCCCCCCCCCCCCCCCCC")), RevocationCause.OPS));

		assertThat(count("reuse")).isZero();
		assertThat(reuseDetected()).isEqualTo(1);
	}

	private double reuseDetected() {
		return this.registry.get("sas.redis.refresh_tokens.reuse_detected").counter().count();
	}

	private double count(String cause) {
		return this.registry.get("sas.redis.refresh_tokens.revoked").tag("cause", cause).counter().count();
	}

	private static RefreshTokenRecord record(String jti) {
		return new RefreshTokenRecord("user", jti, "client", "authorization-" + jti, Instant.now(),
				Instant.now().plusSeconds(60), Set.of());
	}

}
