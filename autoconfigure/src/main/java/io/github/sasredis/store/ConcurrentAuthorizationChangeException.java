package io.github.sasredis.store;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * Thrown by {@link RedisOAuth2AuthorizationService#save} when the authorization being saved was read before
 * another writer changed or removed it, and saving it would issue a token: two requests exchanged the same code
 * or refreshed with the same refresh token at once, and the other one won. It is an
 * {@link OAuth2AuthenticationException} with {@code invalid_grant}, so the token endpoint answers the loser as it
 * answers any spent grant.
 */
public class ConcurrentAuthorizationChangeException extends OAuth2AuthenticationException {

	public ConcurrentAuthorizationChangeException(String description) {
		super(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, description, null));
	}

}
