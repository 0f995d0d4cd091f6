package io.github.sasredis.store;

import java.time.Instant;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * What the store records about one refresh token under {@code refresh_token:{user_id}:{jti}}: who it belongs
 * to, which client and grant it came from, and when it expires. It never holds the token value or its digest,
 * so it can be listed and logged freely.
 *
 * @param userId the principal name of the authorization
 * @param jti the refresh token's identifier, URL-safe and unrelated to its value
 * @param clientId the registered client id of the authorization
 * @param authorizationId the id of the {@code OAuth2Authorization} the token belongs to
 * @param createdAt when the token was issued
 * @param expiresAt when the token expires
 * @param scopes the scopes authorized for the grant
 */
public record RefreshTokenRecord(String userId, String jti, String clientId, String authorizationId,
		Instant createdAt, Instant expiresAt, Set<String> scopes) {

	public RefreshTokenRecord {
		Assert.notNull(userId, "userId cannot be null");
		Assert.hasText(jti, "jti cannot be empty");
		Assert.notNull(clientId, "clientId cannot be null");
		Assert.notNull(authorizationId, "authorizationId cannot be null");
		Assert.notNull(createdAt, "createdAt cannot be null");
		Assert.notNull(expiresAt, "expiresAt cannot be null");
		scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
	}

}
