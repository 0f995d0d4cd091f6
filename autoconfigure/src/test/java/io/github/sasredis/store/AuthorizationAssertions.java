package io.github.sasredis.store;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.sasredis.store.mapping.TokenKind;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares authorizations as the contract defines a round trip: everything an authorization holds must come back,
 * but only the presented secret's value (a store that keeps digests cannot give the others back).
 */
final class AuthorizationAssertions {

	private AuthorizationAssertions() {
	}

	static @Nullable String valueOf(OAuth2Authorization authorization, TokenKind kind) {
		if (kind == TokenKind.STATE) {
			return authorization.getAttribute(OAuth2ParameterNames.STATE);
		}
		OAuth2Authorization.Token<? extends OAuth2Token> token = authorization.getToken(kind.tokenClass());
		return (token != null) ? token.getToken().getTokenValue() : null;
	}

	static void assertRoundTrip(@Nullable OAuth2Authorization actual, OAuth2Authorization expected,
			@Nullable TokenKind presented) {
		assertRoundTrip(actual, expected, presented, (presented != null) ? valueOf(expected, presented) : null);
	}

	static void assertRoundTrip(@Nullable OAuth2Authorization actual, OAuth2Authorization expected,
			@Nullable TokenKind presented, @Nullable String presentedValue) {
		assertThat(actual).isNotNull();
		assertThat(actual.getId()).isEqualTo(expected.getId());
		assertThat(actual.getRegisteredClientId()).isEqualTo(expected.getRegisteredClientId());
		assertThat(actual.getPrincipalName()).isEqualTo(expected.getPrincipalName());
		assertThat(actual.getAuthorizationGrantType()).isEqualTo(expected.getAuthorizationGrantType());
		assertThat(actual.getAuthorizedScopes()).isEqualTo(expected.getAuthorizedScopes());
		assertThat(attributesWithoutSecrets(actual)).usingRecursiveComparison()
			.isEqualTo(attributesWithoutSecrets(expected));
		assertThat(actual.<String>getAttribute(OAuth2ParameterNames.STATE) != null)
			.isEqualTo(expected.<String>getAttribute(OAuth2ParameterNames.STATE) != null);
		for (TokenKind kind : TokenKind.values()) {
			if (kind == presented) {
				assertThat(valueOf(actual, kind)).as("value of the presented %s", kind).isEqualTo(presentedValue);
			}
			if (kind == TokenKind.STATE) {
				continue;
			}
			OAuth2Authorization.Token<? extends OAuth2Token> actualToken = actual.getToken(kind.tokenClass());
			OAuth2Authorization.Token<? extends OAuth2Token> expectedToken = expected.getToken(kind.tokenClass());
			assertThat(actualToken != null).as("has %s", kind).isEqualTo(expectedToken != null);
			if (expectedToken == null) {
				continue;
			}
			assertThat(actualToken.getToken().getIssuedAt()).isEqualTo(expectedToken.getToken().getIssuedAt());
			assertThat(actualToken.getToken().getExpiresAt()).isEqualTo(expectedToken.getToken().getExpiresAt());
			assertThat(actualToken.getMetadata()).as("metadata of %s", kind).isEqualTo(expectedToken.getMetadata());
			assertThat(actualToken.isInvalidated()).isEqualTo(expectedToken.isInvalidated());
			if (expectedToken.getToken() instanceof OAuth2AccessToken expectedAccess) {
				OAuth2AccessToken actualAccess = (OAuth2AccessToken) actualToken.getToken();
				assertThat(actualAccess.getTokenType()).isEqualTo(expectedAccess.getTokenType());
				assertThat(actualAccess.getScopes()).isEqualTo(expectedAccess.getScopes());
			}
			if (expectedToken.getToken() instanceof OidcIdToken expectedId) {
				assertThat(((OidcIdToken) actualToken.getToken()).getClaims()).isEqualTo(expectedId.getClaims());
			}
		}
	}

	private static Map<String, Object> attributesWithoutSecrets(OAuth2Authorization authorization) {
		Map<String, Object> attributes = new LinkedHashMap<>(authorization.getAttributes());
		attributes.remove(OAuth2ParameterNames.STATE);
		attributes.remove(RedisOAuth2AuthorizationService.VERSION_ATTRIBUTE);
		return attributes;
	}

}
