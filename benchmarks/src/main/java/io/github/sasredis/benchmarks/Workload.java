package io.github.sasredis.benchmarks;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import io.github.sasredis.store.mapping.DocumentEncoding;
import io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper;
import io.github.sasredis.store.mapping.TokenKind;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The benchmark workload: OIDC authorization-code grants shaped as Spring Authorization Server leaves them after the
 * code exchange. Each holds the principal (a form-login {@link UsernamePasswordAuthenticationToken} with web
 * details), the {@link OAuth2AuthorizationRequest} (PKCE, nonce, state), the scopes, an invalidated 128-character
 * authorization code, a JWT-sized access token (~800 characters, three base64url segments) with its claims, an ID
 * token (~900 characters) with its claims and a 128-character refresh token (96 random bytes, base64url, as SAS
 * generates them). Access tokens live 5 minutes, refresh tokens 8 hours.
 * <p>
 * The pre-filled grants are deterministic: grant {@code i} has id {@code seed-<i>}, belongs to user
 * {@code user-<i mod 10,000>} and its refresh token is a function of {@code i} alone ({@link #seededRefreshToken}), so
 * every JMH fork can find the grants the harness stored before it without passing 100,000 values around.
 */
public final class Workload {

	/** Grants stored before the measurements. */
	public static final int GRANTS = Integer.getInteger("bench.grants", 100_000);

	/** Users those grants belong to. */
	public static final int USERS = Integer.getInteger("bench.users", 10_000);

	/** Prefix of the ids of pre-filled grants; anything else was created by a benchmark. */
	public static final String SEED_ID_PREFIX = "seed-";

	public static final String ISSUER = "http://localhost:9000";

	public static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(5);

	public static final Duration REFRESH_TOKEN_TTL = Duration.ofHours(8);

	public static final Duration ID_TOKEN_TTL = Duration.ofMinutes(30);

	public static final Set<String> SCOPES = Set.of("openid", "profile", "read");

	/** The registered client of the benchmark grants (rotation on, as in the demo). */
	public static final RegisteredClient CLIENT = RegisteredClient.withId("bench-registered-client")
		.clientId("bench-client")
		.clientSecret("{noop}bench-secret")
		.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
		.redirectUri("http://127.0.0.1:8080/login/oauth2/code/bench-client")
		.scopes((scopes) -> scopes.addAll(SCOPES))
		.tokenSettings(TokenSettings.builder()
			.accessTokenTimeToLive(ACCESS_TOKEN_TTL)
			.refreshTokenTimeToLive(REFRESH_TOKEN_TTL)
			.reuseRefreshTokens(false)
			.build())
		.build();

	private static final long SEED = 0x5A5_4ED15L;

	private static final char[] BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		.toCharArray();

	/** base64url of {"kid":"sas-redis-demo","typ":"JWT","alg":"RS256"}, the header SAS writes. */
	private static final String JWT_HEADER = "eyJraWQiOiJzYXMtcmVkaXMtZGVtbyIsInR5cCI6IkpXVCIsImFsZyI6IlJTMjU2In0";

	private Workload() {
	}

	/**
	 * @param index user number
	 * @return the user id (principal name) {@code user-00042}
	 */
	public static String userId(int index) {
		return String.format("user-%05d", index);
	}

	/**
	 * Pre-filled grant {@code i} of the workload, for the benchmark client.
	 * @param i grant number, 0 to {@link #GRANTS} - 1
	 * @return the grant
	 */
	public static OAuth2Authorization seeded(int i) {
		return seeded(i, CLIENT, userId(i % USERS));
	}

	/**
	 * Pre-filled grant {@code i} for a given client and user.
	 * @param i grant number
	 * @param client the registered client
	 * @param userId the principal name
	 * @return the grant
	 */
	public static OAuth2Authorization seeded(int i, RegisteredClient client, String userId) {
		return seeded(i, client, userId, SEED_ID_PREFIX);
	}

	/**
	 * Grant {@code i} of another series than the pre-filled one (its id prefix tells them apart).
	 * @param i grant number
	 * @param client the registered client
	 * @param userId the principal name
	 * @param idPrefix prefix of the id, {@link #SEED_ID_PREFIX} for the pre-filled grants
	 * @return the grant, whose refresh token is {@link #seededRefreshToken(String, int)}
	 */
	public static OAuth2Authorization seeded(int i, RegisteredClient client, String userId, String idPrefix) {
		return grant(seededId(idPrefix, i), client, userId, new SplittableRandom(SEED * 31 + i + idPrefix.hashCode()),
				seededRefreshToken(idPrefix, i), Instant.now());
	}

	/**
	 * The id of a pre-filled grant: the series' prefix and the grant's number, padded to the 36 characters of the
	 * UUIDs SAS gives authorizations, so that the keys and values that carry an id weigh what they weigh in use.
	 * @param idPrefix the series
	 * @param i the grant's number
	 * @return the id
	 */
	public static String seededId(String idPrefix, int i) {
		String number = Integer.toString(i);
		return idPrefix + "0".repeat(Math.max(36 - idPrefix.length() - number.length(), 0)) + number;
	}

	/**
	 * The refresh token of pre-filled grant {@code i}.
	 * @param i grant number
	 * @return its value
	 */
	public static String seededRefreshToken(int i) {
		return seededRefreshToken(SEED_ID_PREFIX, i);
	}

	/**
	 * The refresh token of grant {@code i} of a series.
	 * @param idPrefix the series
	 * @param i grant number
	 * @return its value
	 */
	public static String seededRefreshToken(String idPrefix, int i) {
		return randomValue(new SplittableRandom(SEED * 17 + idPrefix.hashCode() + i * 0x9E3779B97F4A7C15L), 128);
	}

	/**
	 * A new grant with random values, as a code exchange would save it.
	 * @param userId the principal name
	 * @param random the source of the values
	 * @return the grant
	 */
	public static OAuth2Authorization newGrant(String userId, SplittableRandom random) {
		return newGrant(CLIENT, userId, random);
	}

	public static OAuth2Authorization newGrant(RegisteredClient client, String userId, SplittableRandom random) {
		return grant("new-" + new UUID(random.nextLong(), random.nextLong()), client, userId, random,
				randomValue(random, 128), Instant.now());
	}

	/**
	 * What the refresh-token grant with rotation saves: the authorization as found with a new access token and a new
	 * refresh token.
	 * @param found the authorization found by its refresh token
	 * @param accessTokenValue the new access token
	 * @param refreshTokenValue the new refresh token
	 * @return the rotated authorization
	 */
	public static OAuth2Authorization rotate(OAuth2Authorization found, String accessTokenValue,
			String refreshTokenValue) {
		Instant now = Instant.now();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessTokenValue,
				now, now.plus(ACCESS_TOKEN_TTL), found.getAuthorizedScopes());
		// a jti from the new (random) token values: UUID.randomUUID() would have every benchmark thread queue for
		// the JDK's shared SecureRandom, which is the token generator's cost, not the store's
		Map<String, Object> claims = accessTokenClaims(found.getPrincipalName(), clientIdOf(found), now,
				new UUID(accessTokenValue.hashCode() * 0x9E3779B97F4A7C15L, refreshTokenValue.hashCode()).toString());
		OAuth2RefreshToken refreshToken = new OAuth2RefreshToken(refreshTokenValue, now, now.plus(REFRESH_TOKEN_TTL));
		return OAuth2Authorization.from(found)
			.token(accessToken, (metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
			.refreshToken(refreshToken)
			.build();
	}

	/**
	 * A JWT-sized access token value (~800 characters).
	 * @param random the source
	 * @return the value
	 */
	public static String accessTokenValue(SplittableRandom random) {
		return JWT_HEADER + "." + randomValue(random, 388) + "." + randomValue(random, 342);
	}

	/**
	 * An ID token value (~900 characters).
	 * @param random the source
	 * @return the value
	 */
	public static String idTokenValue(SplittableRandom random) {
		return JWT_HEADER + "." + randomValue(random, 488) + "." + randomValue(random, 342);
	}

	/**
	 * @param random the source
	 * @param length number of characters
	 * @return random base64url characters
	 */
	public static String randomValue(SplittableRandom random, int length) {
		char[] chars = new char[length];
		long bits = 0;
		for (int i = 0; i < length; i++) {
			if (i % 10 == 0) {
				bits = random.nextLong();
			}
			chars[i] = BASE64URL[(int) (bits & 63)];
			bits >>>= 6;
		}
		return new String(chars);
	}

	private static OAuth2Authorization grant(String id, RegisteredClient client, String userId,
			SplittableRandom random, String refreshTokenValue, Instant now) {
		Instant authTime = now.minusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
		String sessionId = randomValue(random, 32);
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(ISSUER + "/oauth2/authorize")
			.clientId(client.getClientId())
			.redirectUri(client.getRedirectUris().iterator().next())
			.scopes(SCOPES)
			.state(randomValue(random, 43))
			.additionalParameters(Map.of("nonce", randomValue(random, 43), "code_challenge",
					randomValue(random, 43), "code_challenge_method", "S256"))
			.build();
		OAuth2AuthorizationCode code = new OAuth2AuthorizationCode(randomValue(random, 128), authTime,
				authTime.plusSeconds(300));
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				accessTokenValue(random), now, now.plus(ACCESS_TOKEN_TTL), SCOPES);
		Map<String, Object> accessClaims = accessTokenClaims(userId, client.getClientId(), now,
				new UUID(random.nextLong(), random.nextLong()).toString());
		OAuth2RefreshToken refreshToken = new OAuth2RefreshToken(refreshTokenValue, now, now.plus(REFRESH_TOKEN_TTL));
		Map<String, Object> idClaims = new LinkedHashMap<>();
		idClaims.put("sub", userId);
		idClaims.put("aud", new ArrayList<>(List.of(client.getClientId())));
		idClaims.put("azp", client.getClientId());
		idClaims.put("auth_time", Date.from(authTime)); // SAS puts a java.util.Date here
		idClaims.put("iss", ISSUER);
		idClaims.put("exp", now.plus(ID_TOKEN_TTL).truncatedTo(ChronoUnit.SECONDS));
		idClaims.put("iat", now.truncatedTo(ChronoUnit.SECONDS));
		idClaims.put("jti", new UUID(random.nextLong(), random.nextLong()).toString());
		idClaims.put("nonce", request.getAdditionalParameters().get("nonce"));
		idClaims.put("sid", randomValue(random, 43));
		OidcIdToken idToken = new OidcIdToken(idTokenValue(random), now, now.plus(ID_TOKEN_TTL), idClaims);
		return OAuth2Authorization.withRegisteredClient(client)
			.id(id)
			.principalName(userId)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizedScopes(SCOPES)
			.attribute(Principal.class.getName(), principal(userId, sessionId))
			.attribute(OAuth2AuthorizationRequest.class.getName(), request)
			.token(code, (metadata) -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true))
			.token(accessToken,
					(metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, accessClaims))
			.refreshToken(refreshToken)
			.token(idToken, (metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, idClaims))
			.build();
	}

	private static Map<String, Object> accessTokenClaims(String userId, String clientId, Instant now, String jti) {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("sub", userId);
		claims.put("aud", new ArrayList<>(List.of(clientId)));
		claims.put("nbf", now.truncatedTo(ChronoUnit.SECONDS));
		claims.put("scope", new ArrayList<>(SCOPES));
		claims.put("iss", ISSUER);
		claims.put("exp", now.plus(ACCESS_TOKEN_TTL).truncatedTo(ChronoUnit.SECONDS));
		claims.put("iat", now.truncatedTo(ChronoUnit.SECONDS));
		claims.put("jti", jti);
		return claims;
	}

	private static String clientIdOf(OAuth2Authorization authorization) {
		OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
		return (request != null) ? request.getClientId() : authorization.getRegisteredClientId();
	}

	static UsernamePasswordAuthenticationToken principal(String userId, String sessionId) {
		User user = new User(userId, "", AuthorityUtils.createAuthorityList("ROLE_USER"));
		UsernamePasswordAuthenticationToken authentication = UsernamePasswordAuthenticationToken.authenticated(user,
				null, user.getAuthorities());
		authentication.setDetails(new WebAuthenticationDetails("127.0.0.1", sessionId));
		return authentication;
	}

	/**
	 * A value the size of what our store keeps for a grant (what {@link StoreBenchmark#redisFloor} moves in each
	 * direction): as many ASCII characters as the document has bytes, with digests of the length SHA-256 gives in
	 * place of its secrets, compressed as the store keeps it by default, plus the header the store's scripts put in
	 * front of it (version, jti, digests, expiry, record key: about 300 bytes).
	 * @param authorization the grant
	 * @return the value
	 */
	public static String documentOf(OAuth2Authorization authorization) {
		Map<TokenKind, String> digests = new EnumMap<>(TokenKind.class);
		for (TokenKind kind : TokenKind.values()) {
			if ((kind == TokenKind.STATE) ? authorization.getAttribute("state") != null
					: kind.tokenIn(authorization) != null) {
				digests.put(kind, randomValue(new SplittableRandom(kind.ordinal()), 43));
			}
		}
		byte[] document = DocumentEncoding.compressed()
			.encode(new OAuth2AuthorizationDocumentMapper().write(authorization, digests,
					randomValue(new SplittableRandom(7), 22), Set.of()));
		int header = 5 * 43 + 22 + 13 + authorization.getPrincipalName().length() + 40;
		return randomValue(new SplittableRandom(11), document.length + header);
	}

}
