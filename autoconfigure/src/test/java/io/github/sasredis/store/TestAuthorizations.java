package io.github.sasredis.store;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Builds authorizations shaped as Spring Authorization Server builds them, with fresh random token values, for
 * the store's tests.
 */
public final class TestAuthorizations {

	private static final SecureRandom RANDOM = new SecureRandom();

	public static final RegisteredClient CLIENT = RegisteredClient.withId("registered-client-1")
		.clientId("client-1")
		.clientSecret("{noop}secret")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
		.redirectUri("https://client.example/callback")
		.scope("openid")
		.scope("read")
		.build();

	private TestAuthorizations() {
	}

	/**
	 * Returns a random value as SAS generates them (96 random bytes, base64url).
	 * @return the value
	 */
	public static String randomValue() {
		byte[] bytes = new byte[96];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * Returns an OIDC authorization-code grant after the code exchange: principal, authorization request, an
	 * invalidated code, access, refresh and ID tokens.
	 * @param principalName the principal name
	 * @return the authorization
	 */
	public static OAuth2Authorization authorizationCodeGrant(String principalName) {
		Instant now = Instant.now();
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("http://localhost:9000/oauth2/authorize")
			.clientId(CLIENT.getClientId())
			.redirectUri("https://client.example/callback")
			.scopes(Set.of("openid", "read"))
			.state("client-state")
			.additionalParameters(Map.of("code_challenge", "abc", "code_challenge_method", "S256"))
			.build();
		OAuth2AuthorizationCode code = new OAuth2AuthorizationCode(randomValue(), now, now.plusSeconds(300));
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, randomValue(), now,
				now.plus(Duration.ofMinutes(5)), Set.of("openid", "read"));
		OAuth2RefreshToken refreshToken = new OAuth2RefreshToken(randomValue(), now, now.plus(Duration.ofHours(8)));
		Map<String, Object> idClaims = Map.of("sub", principalName, "iss", "http://localhost:9000", "aud",
				List.of(CLIENT.getClientId()), "sid", "session-1", "iat", now.truncatedTo(ChronoUnit.SECONDS), "exp",
				now.plusSeconds(1800).truncatedTo(ChronoUnit.SECONDS));
		OidcIdToken idToken = new OidcIdToken(randomValue(), now, now.plusSeconds(1800), idClaims);
		Map<String, Object> accessClaims = Map.of("sub", principalName, "scope", List.of("openid", "read"), "jti",
				UUID.randomUUID().toString());
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(UUID.randomUUID().toString())
			.principalName(principalName)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizedScopes(Set.of("openid", "read"))
			.attribute(Principal.class.getName(), principal(principalName))
			.attribute(OAuth2AuthorizationRequest.class.getName(), request)
			.token(code, (metadata) -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true))
			.token(accessToken,
					(metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, accessClaims))
			.refreshToken(refreshToken)
			.token(idToken, (metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, idClaims))
			.build();
	}

	/**
	 * Returns an authorization awaiting the user's consent: it holds only a {@code state}.
	 * @param principalName the principal name
	 * @return the authorization
	 */
	public static OAuth2Authorization awaitingConsent(String principalName) {
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(UUID.randomUUID().toString())
			.principalName(principalName)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.attribute(Principal.class.getName(), principal(principalName))
			.attribute(OAuth2ParameterNames.STATE, randomValue())
			.build();
	}

	/**
	 * Returns a device authorization grant awaiting verification: a device code and a user code.
	 * @param principalName the principal name
	 * @return the authorization
	 */
	public static OAuth2Authorization deviceGrant(String principalName) {
		Instant now = Instant.now();
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(UUID.randomUUID().toString())
			.principalName(principalName)
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.authorizedScopes(Set.of("read"))
			.token(new OAuth2DeviceCode(randomValue(), now, now.plusSeconds(300)))
			.token(new OAuth2UserCode("BCDF-GHJK", now, now.plusSeconds(300)))
			.build();
	}

	public static UsernamePasswordAuthenticationToken principal(String principalName) {
		User user = new User(principalName, "", AuthorityUtils.createAuthorityList("ROLE_USER"));
		return UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
	}

	/**
	 * Returns the refresh-token rotation the refresh grant performs with {@code reuseRefreshTokens=false}: new
	 * access and refresh tokens on the authorization as found.
	 * @param found the authorization as found by its refresh token
	 * @return the rotated authorization
	 */
	public static OAuth2Authorization rotate(OAuth2Authorization found) {
		Instant now = Instant.now();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, randomValue(), now,
				now.plus(Duration.ofMinutes(5)), Set.of("openid", "read"));
		OAuth2RefreshToken refreshToken = new OAuth2RefreshToken(randomValue(), now, now.plus(Duration.ofHours(8)));
		return OAuth2Authorization.from(found).accessToken(accessToken).refreshToken(refreshToken).build();
	}

	/**
	 * Returns the revocation the RFC 7009 endpoint performs on a refresh token: the refresh token and the access
	 * token invalidated.
	 * @param found the authorization as found by its refresh token
	 * @return the revoked authorization
	 */
	public static OAuth2Authorization revokeRefreshToken(OAuth2Authorization found) {
		OAuth2Authorization.Builder builder = OAuth2Authorization.from(found);
		OAuth2Authorization.Token<OAuth2RefreshToken> refreshToken = found.getRefreshToken();
		builder.token(refreshToken.getToken(),
				(metadata) -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true));
		OAuth2Authorization.Token<OAuth2AccessToken> accessToken = found.getAccessToken();
		if (accessToken != null) {
			builder.token(accessToken.getToken(),
					(metadata) -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true));
		}
		return builder.build();
	}

}
