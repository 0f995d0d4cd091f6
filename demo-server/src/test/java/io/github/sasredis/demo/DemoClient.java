package io.github.sasredis.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Talks to a running demo server over real HTTP the way a browser, a client application and an operator would: the
 * authorization code flow with PKCE through the real login page, the token, revocation and introspection endpoints
 * with {@code client_secret_basic}, and the actuator with HTTP Basic. Redirects are never followed automatically, so
 * that every {@code Location} can be checked.
 */
public final class DemoClient {

	/** The client registered by the demo's default properties. */
	public static final String CLIENT_ID = "demo-client";

	/** Its secret (demo only). */
	public static final String CLIENT_SECRET = "demo-secret";

	/** Its redirect URI. */
	public static final String REDIRECT_URI = "http://127.0.0.1:8080/login/oauth2/code/demo-client";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String baseUrl;

	private final HttpClient http;

	/**
	 * Creates a client for a server.
	 * @param port the port the server listens on, on localhost
	 */
	public DemoClient(int port) {
		this.baseUrl = "http://localhost:" + port;
		this.http = newHttpClient();
	}

	private static HttpClient newHttpClient() {
		return HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	/**
	 * Runs the authorization code flow with PKCE S256 as a browser would: the authorization request is redirected to
	 * the login page, the login form is posted with its CSRF token, the browser is sent back to the authorization
	 * endpoint, which redirects to the client with a code (no consent screen); the code is then exchanged.
	 * @param username the user to log in
	 * @param password the password
	 * @return the token response
	 */
	public Tokens authorizationCodeFlow(String username, String password) {
		// a browser of its own (OAuth2HttpClient keeps its own cookies): one login's session must not leak into another
		TokenResponse token = new OAuth2HttpClient(this.baseUrl, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
			.authorizationCodeFlow(username, password, "openid profile read");
		return new Tokens(token.accessToken(), token.refreshToken(), token.idToken(),
				token.json().get("expires_in").asLong());
	}

	/**
	 * Logs in as a browser would and sends the authorization request, stopping where the browser is sent to the
	 * client with a code: the code is not exchanged.
	 * @param username the user to log in
	 * @param password the password
	 * @param codeChallenge the PKCE S256 challenge, or {@code null} for a request without PKCE
	 * @return the authorization code
	 */
	public String authorizationCode(String username, String password, String codeChallenge) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("response_type", "code");
		parameters.put("client_id", CLIENT_ID);
		parameters.put("redirect_uri", REDIRECT_URI);
		parameters.put("scope", "openid read");
		parameters.put("state", "state-" + System.nanoTime());
		if (codeChallenge != null) {
			parameters.put("code_challenge", codeChallenge);
			parameters.put("code_challenge_method", "S256");
		}
		OAuth2HttpClient browser = new OAuth2HttpClient(this.baseUrl, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI);
		String authorize = this.baseUrl + "/oauth2/authorize?" + form(parameters);
		OAuth2HttpClient.Response redirect = browser.browseLoggingIn(authorize, username, password);
		assertThat(redirect.status()).as("authorization answer").isEqualTo(302);
		assertThat(redirect.location()).as("redirect to the client").startsWith(REDIRECT_URI + "?");
		String code = UriComponentsBuilder.fromUriString(redirect.location())
			.build()
			.getQueryParams()
			.getFirst("code");
		assertThat(code).as("code in the redirect").isNotBlank();
		return URLDecoder.decode(code, StandardCharsets.UTF_8);
	}

	/**
	 * Exchanges an authorization code at the token endpoint with the demo client's credentials.
	 * @param code the code
	 * @param codeVerifier the PKCE verifier, or {@code null} to send none
	 * @return the response
	 */
	public HttpResponse<String> exchangeCode(String code, String codeVerifier) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("grant_type", "authorization_code");
		parameters.put("code", code);
		parameters.put("redirect_uri", REDIRECT_URI);
		if (codeVerifier != null) {
			parameters.put("code_verifier", codeVerifier);
		}
		return tokenRequest(parameters);
	}

	/**
	 * Creates a random PKCE code verifier (43 characters).
	 * @return the verifier
	 */
	public static String newCodeVerifier() {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}

	/**
	 * Computes the S256 challenge of a PKCE code verifier (RFC 7636).
	 * @param codeVerifier the verifier
	 * @return {@code BASE64URL(SHA-256(verifier))}
	 */
	public static String codeChallenge(String codeVerifier) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
				.digest(codeVerifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Posts to the token endpoint with the demo client's credentials.
	 * @param parameters the form parameters
	 * @return the response
	 */
	public HttpResponse<String> tokenRequest(Map<String, String> parameters) {
		return clientPost("/oauth2/token", parameters);
	}

	/**
	 * Uses a refresh token.
	 * @param refreshToken the refresh token
	 * @return the response, 200 with new tokens or 400 {@code invalid_grant}
	 */
	public HttpResponse<String> refresh(String refreshToken) {
		return tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
	}

	/**
	 * Revokes a token at the RFC 7009 endpoint.
	 * @param token the token
	 * @param hint {@code refresh_token} or {@code access_token}
	 * @return the response
	 */
	public HttpResponse<String> revoke(String token, String hint) {
		return clientPost("/oauth2/revoke", Map.of("token", token, "token_type_hint", hint));
	}

	/**
	 * Introspects a token at the RFC 7662 endpoint.
	 * @param token the token
	 * @return the introspection response
	 */
	public Map<String, Object> introspect(String token) {
		HttpResponse<String> response = clientPost("/oauth2/introspect", Map.of("token", token));
		assertThat(response.statusCode()).as("introspection: %s", response.body()).isEqualTo(200);
		return parse(response.body());
	}

	/**
	 * Calls the OIDC userinfo endpoint with an access token.
	 * @param accessToken the access token
	 * @return the response
	 */
	public HttpResponse<String> userInfo(String accessToken) {
		return send(this.http, HttpRequest.newBuilder(URI.create(this.baseUrl + "/userinfo"))
			.header("Authorization", "Bearer " + accessToken)
			.header("Accept", "application/json")
			.GET()
			.build());
	}

	/**
	 * Sends a request without credentials.
	 * @param method the HTTP method
	 * @param path the path, starting with {@code /}
	 * @return the response
	 */
	public HttpResponse<String> anonymous(String method, String path) {
		return send(this.http, HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.header("Accept", "application/json")
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build());
	}

	/**
	 * Sends a request with HTTP Basic credentials.
	 * @param method the HTTP method
	 * @param path the path, starting with {@code /}
	 * @param username the user
	 * @param password the password
	 * @return the response
	 */
	public HttpResponse<String> basic(String method, String path, String username, String password) {
		return send(this.http, HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.header("Authorization", basicAuth(username, password))
			.header("Accept", "application/json")
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build());
	}

	/**
	 * Lists a user's refresh tokens through the actuator as the OPS user.
	 * @param user the user whose tokens to list
	 * @return the token entries of the response
	 */
	@SuppressWarnings("unchecked")
	public List<Map<String, Object>> listRefreshTokens(String user) {
		HttpResponse<String> response = basic("GET", "/actuator/refreshtokens/" + user, "ops", "ops-password");
		assertThat(response.statusCode()).as("actuator list: %s", response.body()).isEqualTo(200);
		Map<String, Object> body = parse(response.body());
		assertThat(body).containsEntry("user_id", user);
		return (List<Map<String, Object>>) body.get("tokens");
	}

	/**
	 * Returns the jtis of a user's refresh tokens, as listed by the actuator.
	 * @param user the user
	 * @return the jtis
	 */
	public List<String> refreshTokenJtis(String user) {
		return listRefreshTokens(user).stream().map((token) -> (String) token.get("jti")).toList();
	}

	private HttpResponse<String> clientPost(String path, Map<String, String> parameters) {
		return send(this.http, HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.header("Authorization", basicAuth(CLIENT_ID, CLIENT_SECRET))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(form(parameters)))
			.build());
	}

	private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Parses a JSON object.
	 * @param body the JSON text
	 * @return the object as a map
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> parse(String body) {
		return json.readValue(body, Map.class);
	}

	private static String form(Map<String, String> parameters) {
		return parameters.entrySet()
			.stream()
			.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String basicAuth(String username, String password) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((encode(username) + ":" + encode(password)).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The interesting part of a successful token response.
	 *
	 * @param accessToken the access token
	 * @param refreshToken the refresh token, {@code null} when none was issued
	 * @param idToken the ID token, {@code null} without {@code openid}
	 * @param expiresIn the access token's lifetime in seconds
	 */
	public record Tokens(String accessToken, String refreshToken, String idToken, long expiresIn) {

		/**
		 * Reads a 200 token response.
		 * @param response the response
		 * @return the tokens
		 */
		public static Tokens of(HttpResponse<String> response) {
			assertThat(response.statusCode()).as("token response: %s", response.body()).isEqualTo(200);
			Map<String, Object> body = parse(response.body());
			return new Tokens((String) body.get("access_token"), (String) body.get("refresh_token"),
					(String) body.get("id_token"), ((Number) body.get("expires_in")).longValue());
		}

		@Override
		public String toString() {
			// Never print token values, not even in a failing test's message.
			return "Tokens[expiresIn=" + this.expiresIn + "]";
		}

	}

}
