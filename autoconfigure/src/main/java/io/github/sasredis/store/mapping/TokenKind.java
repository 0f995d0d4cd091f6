package io.github.sasredis.store.mapping;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The kinds of secret an {@code OAuth2Authorization} can be looked up by: the consent {@code state} attribute and
 * the six token types Spring Authorization Server issues. Each has a one-letter code used in the stored document
 * and in the value of its lookup key.
 */
public enum TokenKind {

	/** The {@code state} attribute of an authorization awaiting consent. */
	STATE("s", OAuth2ParameterNames.STATE, null),

	/** An authorization code. */
	AUTHORIZATION_CODE("c", OAuth2ParameterNames.CODE, OAuth2AuthorizationCode.class),

	/** An access token. */
	ACCESS_TOKEN("a", OAuth2TokenType.ACCESS_TOKEN.getValue(), OAuth2AccessToken.class),

	/** A refresh token. */
	REFRESH_TOKEN("r", OAuth2TokenType.REFRESH_TOKEN.getValue(), OAuth2RefreshToken.class),

	/** An OpenID Connect ID token. */
	ID_TOKEN("i", OidcParameterNames.ID_TOKEN, OidcIdToken.class),

	/** A device code. */
	DEVICE_CODE("d", OAuth2ParameterNames.DEVICE_CODE, OAuth2DeviceCode.class),

	/** A user code. */
	USER_CODE("u", OAuth2ParameterNames.USER_CODE, OAuth2UserCode.class);

	private final String code;

	private final String tokenTypeValue;

	private final @Nullable Class<? extends OAuth2Token> tokenClass;

	TokenKind(String code, String tokenTypeValue, @Nullable Class<? extends OAuth2Token> tokenClass) {
		this.code = code;
		this.tokenTypeValue = tokenTypeValue;
		this.tokenClass = tokenClass;
	}

	/**
	 * Returns the one-letter code of this kind.
	 * @return the code
	 */
	public String code() {
		return this.code;
	}

	/**
	 * Returns the token class of this kind, or {@code null} for {@link #STATE}.
	 * @return the token class
	 */
	public @Nullable Class<? extends OAuth2Token> tokenClass() {
		return this.tokenClass;
	}

	/**
	 * Returns the token of this kind an authorization holds.
	 * @param authorization the authorization
	 * @return the token, or {@code null} when it holds none (always for {@link #STATE}, an attribute)
	 */
	public OAuth2Authorization.@Nullable Token<? extends OAuth2Token> tokenIn(OAuth2Authorization authorization) {
		return (this.tokenClass != null) ? authorization.getToken(this.tokenClass) : null;
	}

	/**
	 * Whether a lookup for the given token type may match a secret of this kind.
	 * @param tokenType the type asked for, {@code null} for any
	 * @return whether it matches
	 */
	public boolean matches(@Nullable OAuth2TokenType tokenType) {
		return tokenType == null || this.tokenTypeValue.equals(tokenType.getValue());
	}

	/**
	 * Returns the kind with the given code.
	 * @param code a one-letter code
	 * @return the kind, or {@code null} if none has that code
	 */
	public static @Nullable TokenKind ofCode(String code) {
		for (TokenKind kind : values()) {
			if (kind.code.equals(code)) {
				return kind;
			}
		}
		return null;
	}

	/**
	 * Returns the kind of the given token class.
	 * @param tokenClass a token class
	 * @return the kind, or {@code null} if the store does not know that class
	 */
	public static @Nullable TokenKind ofTokenClass(Class<?> tokenClass) {
		for (TokenKind kind : values()) {
			if (kind.tokenClass == tokenClass) {
				return kind;
			}
		}
		return null;
	}

}
