package io.github.sasredis.store;

import java.util.List;
import java.util.Map;

import io.github.sasredis.store.mapping.StoredAuthorization;
import io.github.sasredis.store.mapping.TokenKind;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * What {@link RedisOAuth2AuthorizationService} does when a refresh token that was rotated out is presented again as
 * a refresh token: accept it within the rotation grace period, or take it as reuse (RFC 9700) and revoke the grant.
 * Logs through the store's logger.
 */
final class RefreshTokenReuse {

	private static final Log logger = LogFactory.getLog(RedisOAuth2AuthorizationService.class);

	private final RedisOAuth2AuthorizationService store;

	RefreshTokenReuse(RedisOAuth2AuthorizationService store) {
		this.store = store;
	}

	/**
	 * A refresh token that was rotated out is presented again. Within the rotation grace period the immediate
	 * predecessor of the current refresh token is accepted once more; otherwise this is reuse (RFC 9700): the
	 * whole grant is revoked, since the store cannot tell whether the client or an attacker presented it.
	 * <p>
	 * A reuse is logged at WARN with the user id cut for logs ({@link UserIds#forLog}), the client id, the
	 * authorization id and the jti of the presented token (derived from its digest, so it names the token without
	 * revealing it), and published as a {@link RefreshTokenRevokedEvent} with cause {@link RevocationCause#REUSE}
	 * carrying the same in its {@link RefreshTokenRevokedEvent.Reuse} (the user id in full) and the revoked record
	 * of the current refresh token, if it was still there. Only the request that removed the grant logs and
	 * publishes.
	 * @param token the presented value
	 * @param digest its digest
	 * @param found what {@code find.lua} read of the authorization its lookup names, or {@code null}
	 * @return the authorization within the grace period, else {@code null}
	 */
	@Nullable OAuth2Authorization onPresented(String token, String digest, @Nullable StoredAuthorizationReply found) {
		if (found == null) {
			return null;
		}
		if (isGraceful(digest, found) && Boolean.TRUE.equals(this.store.getRedis().hasKey(found.recordKey()))) {
			return this.store
				.readDocument(found, TokenKind.REFRESH_TOKEN, token,
						Map.of(RedisOAuth2AuthorizationService.VERSION_ATTRIBUTE, found.version()))
				.authorization();
		}
		StoredAuthorization stored = this.store.readDocument(found, null, null, Map.of());
		OAuth2Authorization authorization = stored.authorization();
		String userId = authorization.getPrincipalName();
		RedisOAuth2AuthorizationService.Removed removed = this.store
			.removeAll(userId, List.of(authorization.getId()))
			.get(0);
		if (!removed.existed()) {
			// another request presenting a rotated-out token revoked the grant first: one event per revocation
			return null;
		}
		OAuth2Authorization.Token<OAuth2RefreshToken> current = authorization.getRefreshToken();
		List<RefreshTokenRecord> revoked = (current != null && stored.refreshTokenJti() != null
				&& removed.liveRecord())
				? List.of(this.store.recordOf(authorization, stored.refreshTokenJti(), current.getToken(),
						this.store.getClock().instant()))
				: List.of();
		RefreshTokenRevokedEvent.Reuse reuse = new RefreshTokenRevokedEvent.Reuse(
				this.store.getDigester().jti(digest), this.store.clientIdOf(authorization), authorization.getId());
		if (logger.isWarnEnabled()) {
			logger.warn("Refresh token reuse detected for user " + UserIds.forLog(userId) + " (client "
					+ reuse.clientId() + ", authorization " + reuse.authorizationId() + ", jti " + reuse.jti()
					+ "); grant revoked");
		}
		this.store.publish(new RefreshTokenRevokedEvent(this.store, userId, revoked, RevocationCause.REUSE, reuse));
		return null;
	}

	private boolean isGraceful(String digest, StoredAuthorizationReply found) {
		if (this.store.getRotationGracePeriod().isZero() || found.predecessorDigest() == null
				|| found.rotatedAt() == null) {
			return false;
		}
		boolean predecessor = digest.equals(found.predecessorDigest());
		long rotatedAt = Long.parseLong(found.rotatedAt());
		long sinceRotation = this.store.getClock().millis() - rotatedAt;
		return predecessor && sinceRotation <= this.store.getRotationGracePeriod().toMillis()
				&& !found.recordKey().isEmpty();
	}

}
