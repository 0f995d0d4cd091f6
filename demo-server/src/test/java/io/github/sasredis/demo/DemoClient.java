package io.github.sasredis.demo;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import tools.jackson.databind.json.JsonMapper;

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

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final SecureRandom random = new SecureRandom();

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
		// A browser of its own: the session cookie of one login must not leak into another.
		HttpClient browser = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NEVER)
			.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String verifier = randomToken(32);
		String state = randomToken(16);
		String authorize = this.baseUrl + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id",
				CLIENT_ID, "scope", "openid profile read", "redirect_uri", REDIRECT_URI, "state", state,
				"code_challenge", s256(verifier), "code_challenge_method", "S256"));

		HttpResponse<String> toLogin = send(browser, browserGet(authorize));
		assertThat(toLogin.statusCode()).as("authorization request before login").isEqualTo(302);
		URI loginPage = location(toLogin);
		assertThat(loginPage.getPath()).isEqualTo("/login");

		HttpResponse<String> login = send(browser, browserGet(loginPage.toString()));
		assertThat(login.statusCode()).as("login page").isEqualTo(200);
		Matcher csrf = CSRF.matcher(login.body());
		assertThat(csrf.find()).as("login page has a _csrf hidden input").isTrue();

		HttpResponse<String> loggedIn = send(browser,
				HttpRequest.newBuilder(loginPage)
					.header("Content-Type", "application/x-www-form-urlencoded")
					.header("Accept", "text/html")
					.POST(HttpRequest.BodyPublishers.ofString(
							form(Map.of("username", username, "password", password, "_csrf", csrf.group(1)))))
					.build());
		assertThat(loggedIn.statusCode()).as("login form post").isEqualTo(302);
		URI back = location(loggedIn);
		assertThat(back.getPath()).as("after login, back to the authorization endpoint").isEqualTo("/oauth2/authorize");

		HttpResponse<String> toClient = send(browser, browserGet(back.toString()));
		assertThat(toClient.statusCode()).as("authorization request after login").isEqualTo(302);
		URI redirect = location(toClient);
		assertThat(redirect.toString()).as("redirect to the client, no consent screen").startsWith(REDIRECT_URI + "?");
		Map<String, String> params = query(redirect);
		assertThat(params).containsEntry("state", state).containsKey("code");

		HttpResponse<String> token = tokenRequest(Map.of("grant_type", "authorization_code", "code",
				params.get("code"), "redirect_uri", REDIRECT_URI, "code_verifier", verifier));
		assertThat(token.statusCode()).as("code exchange: %s", token.body()).isEqualTo(200);
		return Tokens.of(token);
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

	private static HttpRequest browserGet(String uri) {
		return HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/html").GET().build();
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

	private static URI location(HttpResponse<String> response) {
		String location = response.headers().firstValue("Location").orElseThrow();
		return response.uri().resolve(location);
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

	private static Map<String, String> query(URI uri) {
		Map<String, String> params = new LinkedHashMap<>();
		for (String pair : uri.getRawQuery().split("&")) {
			int eq = pair.indexOf('=');
			params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
		}
		return params;
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

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	private static String basicAuth(String username, String password) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((encode(username) + ":" + encode(password)).getBytes(StandardCharsets.UTF_8));
	}

	private static String randomToken(int bytes) {
		byte[] value = new byte[bytes];
		random.nextBytes(value);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
	}

	private static String s256(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
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
