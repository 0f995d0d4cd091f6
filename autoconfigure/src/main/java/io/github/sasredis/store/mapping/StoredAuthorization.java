package io.github.sasredis.store.mapping;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * An {@link OAuth2Authorization} as read back from its stored document: every token value and the
 * {@code state} attribute are placeholders naming their digest (see {@link DigestPlaceholders}), and the digests
 * are listed by kind.
 *
 * @param authorization the authorization, with placeholder values
 * @param digests the digest of each secret it holds, by kind
 * @param refreshTokenJti the jti of its refresh token, or {@code null} when it has none
 */
public record StoredAuthorization(OAuth2Authorization authorization, Map<TokenKind, String> digests,
		@Nullable String refreshTokenJti) {

	public StoredAuthorization {
		digests = Map.copyOf(digests);
	}

}
