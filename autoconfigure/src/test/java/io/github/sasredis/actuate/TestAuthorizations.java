package io.github.sasredis.actuate;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Builds authorizations as Spring Authorization Server would after an authorization-code grant: a user, an opaque
 * access token and a refresh token of 96 random bytes (base64url), so that tests get refresh tokens without a
 * browser flow. The token values are returned for the tests to present, and to check they leak nowhere.
 */
public final class TestAuthorizations {

	/** Client id (and registration id) of the registered client of the HTTP tests. */
	public static final String CLIENT_ID = "test-client";

	/** Its secret, without the {@code {noop}} prefix. */
	public static final String CLIENT_SECRET = "secret";

	private static final SecureRandom RANDOM = new SecureRandom();

	private TestAuthorizations() {
	}

	/**
	 * Returns a registered client like the one of the HTTP tests' properties.
	 * @return the client
	 */
	public static RegisteredClient client() {
		return RegisteredClient.withId(CLIENT_ID)
			.clientId(CLIENT_ID)
			.clientSecret("{noop}" + CLIENT_SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			.redirectUri("http://127.0.0.1:8080/callback")
			.scope("read")
			.scope("write")
			.build();
	}

	/**
	 * Builds a new authorization of a user for a client, with fresh token values.
	 * @param client the registered client
	 * @param user the principal name
	 * @return the authorization and its token values
	 */
	public static Issued issue(RegisteredClient client, String user) {
		return issue(client, user, Instant.now().truncatedTo(ChronoUnit.SECONDS));
	}

	/**
	 * Builds a new authorization of a user for a client, issued at the given time, with fresh token values.
	 * @param client the registered client
	 * @param user the principal name
	 * @param issuedAt when its tokens were issued
	 * @return the authorization and its token values
	 */
	public static Issued issue(RegisteredClient client, String user, Instant issuedAt) {
		String accessValue = randomValue();
		String refreshValue = randomValue();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessValue,
				issuedAt, issuedAt.plus(Duration.ofMinutes(5)), Set.of("read"));
		OAuth2RefreshToken refreshToken = new OAuth2RefreshToken(refreshValue, issuedAt,
				issuedAt.plus(Duration.ofHours(1)));
		UsernamePasswordAuthenticationToken principal = UsernamePasswordAuthenticationToken.authenticated(user, null,
				AuthorityUtils.createAuthorityList("ROLE_USER"));
		OAuth2Authorization authorization = OAuth2Authorization.withRegisteredClient(client)
			.id(UUID.randomUUID().toString())
			.principalName(user)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizedScopes(Set.of("read"))
			.accessToken(accessToken)
			.refreshToken(refreshToken)
			.attribute(Principal.class.getName(), principal)
			.build();
		return new Issued(authorization, accessValue, refreshValue);
	}

	private static String randomValue() {
		byte[] bytes = new byte[96];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * An authorization with the values of its tokens.
	 *
	 * @param authorization the authorization
	 * @param accessToken the access token value
	 * @param refreshToken the refresh token value
	 */
	public record Issued(OAuth2Authorization authorization, String accessToken, String refreshToken) {

		/**
		 * Returns the authorization's id.
		 * @return the id
		 */
		public String id() {
			return this.authorization.getId();
		}

	}

}
