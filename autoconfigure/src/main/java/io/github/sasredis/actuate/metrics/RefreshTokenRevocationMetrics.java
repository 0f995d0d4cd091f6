package io.github.sasredis.actuate.metrics;

import java.util.EnumMap;
import java.util.Map;

import io.github.sasredis.store.RefreshTokenRevokedEvent;
import io.github.sasredis.store.RevocationCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * Counts revoked refresh tokens by why they were revoked, from {@link RefreshTokenRevokedEvent}s, so that an
 * operator can tell a wave of client revocations from a reuse attack: {@value #REVOKED} (counter), tag
 * {@code cause} ({@code ops}, {@code rfc7009}, {@code reuse}), incremented by the number of revoked tokens. Every
 * cause is registered up front with zero so that rates can be graphed before the first revocation. Detected reuse
 * is also counted once per replay, whether or not a live token was left to revoke: {@value #REUSE_DETECTED}.
 */
public class RefreshTokenRevocationMetrics implements ApplicationListener<RefreshTokenRevokedEvent> {

	/** Name of the counter of revoked refresh tokens. */
	public static final String REVOKED = "sas.redis.refresh_tokens.revoked";

	/** Name of the counter of replayed (rotated-out) refresh tokens. */
	public static final String REUSE_DETECTED = "sas.redis.refresh_tokens.reuse_detected";

	private final Map<RevocationCause, Counter> revoked = new EnumMap<>(RevocationCause.class);

	private final Counter reuseDetected;

	/**
	 * Creates the counters.
	 * @param registry the registry they are registered with
	 */
	public RefreshTokenRevocationMetrics(MeterRegistry registry) {
		Assert.notNull(registry, "registry cannot be null");
		for (RevocationCause cause : RevocationCause.values()) {
			this.revoked.put(cause,
					Counter.builder(REVOKED)
						.description("Refresh tokens revoked, by cause")
						.baseUnit("tokens")
						.tag("cause", cause.tag())
						.register(registry));
		}
		this.reuseDetected = Counter.builder(REUSE_DETECTED)
			.description("Rotated-out refresh tokens presented again, each revoking its grant")
			.register(registry);
	}

	@Override
	public void onApplicationEvent(RefreshTokenRevokedEvent event) {
		this.revoked.get(event.getCause()).increment(event.getRecords().size());
		if (event.getCause() == RevocationCause.REUSE) {
			this.reuseDetected.increment();
		}
	}

}
