package io.github.sasredis.actuate.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.github.sasredis.store.RefreshTokenRevokedEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.Assert;

/**
 * Turns every {@link RefreshTokenRevokedEvent} into an {@link AuditEvent} of type {@value #REFRESH_TOKENS_REVOKED},
 * published as an {@link AuditApplicationEvent} for Boot's audit listener to store in the
 * {@link AuditEventRepository}, so that "who revoked whose tokens, and why" can be answered afterwards.
 * <p>
 * The audit principal is whoever is authenticated on the thread that revoked: the operator calling the
 * {@code refreshtokens} endpoint, or the client calling the revocation endpoint. Without an authenticated caller
 * (no security context, or an anonymous one) it is {@value #ANONYMOUS}; never the token owner, who did not act.
 * The data holds {@code user_id}, {@code jtis}, {@code client_ids} and {@code cause}; for a reuse also
 * {@code reused_jti}, the jti of the rotated-out token presented again (its client is in {@code client_ids}, even
 * when the grant had no live refresh token left to revoke). Never a token value.
 */
public class RefreshTokenRevocationAuditListener implements ApplicationListener<RefreshTokenRevokedEvent> {

	/** Type of the audit event. */
	public static final String REFRESH_TOKENS_REVOKED = "REFRESH_TOKENS_REVOKED";

	/** Audit principal when nobody is authenticated on the revoking thread. */
	public static final String ANONYMOUS = "anonymous";

	private final ApplicationEventPublisher publisher;

	/**
	 * Creates the listener.
	 * @param publisher where the {@link AuditApplicationEvent}s are published
	 */
	public RefreshTokenRevocationAuditListener(ApplicationEventPublisher publisher) {
		Assert.notNull(publisher, "publisher cannot be null");
		this.publisher = publisher;
	}

	@Override
	public void onApplicationEvent(RefreshTokenRevokedEvent event) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("user_id", event.getUserId());
		data.put("jtis", event.getJtis());
		RefreshTokenRevokedEvent.Reuse reuse = event.getReuse();
		Stream<String> clientIds = event.getRecords().stream().map((record) -> record.clientId());
		if (reuse != null) {
			clientIds = Stream.concat(clientIds, Stream.of(reuse.clientId()));
		}
		data.put("client_ids", clientIds.distinct().toList());
		data.put("cause", event.getCause().tag());
		if (reuse != null) {
			data.put("reused_jti", reuse.jti());
		}
		this.publisher.publishEvent(new AuditApplicationEvent(principal(), REFRESH_TOKENS_REVOKED, data));
	}

	private static String principal() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || authentication instanceof AnonymousAuthenticationToken
				|| !authentication.isAuthenticated()) {
			return ANONYMOUS;
		}
		return authentication.getName();
	}

}
