package io.github.sasredis.test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives a real authorization server over real HTTP as a browser and a confidential client would: the
 * authorization code flow with PKCE through the form login page (with its CSRF token), the token, revocation and
 * introspection endpoints. Redirects are never followed, so each step can be checked.
 */
public final class OAuth2HttpClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	private final String baseUrl;

	private final String clientId;

	private final String clientSecret;

	private final String redirectUri;

	private final HttpClient http;

	/**
	 * Creates a client of the server at the given base URL.
	 * @param baseUrl for example {@code http://localhost:8080}
	 * @param clientId the OAuth client id
	 * @param clientSecret the client secret, sent with {@code client_secret_basic}
	 * @param redirectUri the registered redirect URI
	 */
	public OAuth2HttpClient(String baseUrl, String clientId, String clientSecret, String redirectUri) {
		this.baseUrl = baseUrl;
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.redirectUri = redirectUri;
		this.http = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NEVER)
			.cookieHandler(new CookieManager())
			.build();
	}

	/**
	 * Logs in through the form login page and runs the authorization code flow with PKCE, then exchanges the code.
	 * @param username the user
	 * @param password the password
	 * @param scope the scopes, space separated
	 * @return the token response
	 */
	public TokenResponse authorizationCodeFlow(String username, String password, String scope) {
		String verifier = randomUrlSafe(32);
		String state = randomUrlSafe(16);
		String authorize = this.baseUrl + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id",
				this.clientId, "redirect_uri", this.redirectUri, "scope", scope, "state", state, "code_challenge",
				challenge(verifier), "code_challenge_method", "S256"));
		Response first = get(authorize);
		require(first.status() == 302 && first.location().endsWith("/login"), "authorize → login", first);
		Response loginPage = get(this.baseUrl + "/login");
		Matcher csrf = CSRF.matcher(loginPage.body());
		require(loginPage.status() == 200 && csrf.find(), "login page with a CSRF token", loginPage);
		Response login = post(this.baseUrl + "/login", null,
				Map.of("username", username, "password", password, "_csrf", csrf.group(1)));
		require(login.status() == 302 && login.location().contains("/oauth2/authorize"), "login → authorize", login);
		String resume = login.location().startsWith("http") ? login.location() : this.baseUrl + login.location();
		Response authorized = get(resume);
		require(authorized.status() == 302 && authorized.location().startsWith(this.redirectUri),
				"authorize → redirect URI with a code", authorized);
		Map<String, String> callback = query(URI.create(authorized.location()).getRawQuery());
		require(state.equals(callback.get("state")), "state echoed", authorized);
		Response token = post(this.baseUrl + "/oauth2/token", basic(), Map.of("grant_type", "authorization_code",
				"code", callback.get("code"), "redirect_uri", this.redirectUri, "code_verifier", verifier));
		require(token.status() == 200, "code exchanged", token);
		return new TokenResponse(token.status(), token.json(), callback.get("code"));
	}

	/**
	 * Calls the token endpoint with the refresh token grant.
	 * @param refreshToken the refresh token
	 * @return the response, successful or not
	 */
	public TokenResponse refresh(String refreshToken) {
		Response response = post(this.baseUrl + "/oauth2/token", basic(),
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
		return new TokenResponse(response.status(), response.json(), null);
	}

	/**
	 * Calls the RFC 7009 revocation endpoint.
	 * @param token the token
	 * @param hint the token type hint, or {@code null}
	 * @return the response
	 */
	public Response revoke(String token, String hint) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("token", token);
		if (hint != null) {
			params.put("token_type_hint", hint);
		}
		return post(this.baseUrl + "/oauth2/revoke", basic(), params);
	}

	/**
	 * Calls the RFC 7662 introspection endpoint.
	 * @param token the token
	 * @return the response JSON
	 */
	public JsonNode introspect(String token) {
		Response response = post(this.baseUrl + "/oauth2/introspect", basic(), Map.of("token", token));
		require(response.status() == 200, "introspection", response);
		return response.json();
	}

	/**
	 * Sends a GET as a browser does (accepting HTML, so that unauthenticated requests are sent to the login page).
	 * @param url the URL
	 * @return the response
	 */
	public Response get(String url) {
		return get(url, "text/html", null);
	}

	/**
	 * Sends a GET.
	 * @param url the URL
	 * @param accept the Accept header
	 * @param authorization the Authorization header, or {@code null}
	 * @return the response
	 */
	public Response get(String url, String accept, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET();
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request.build());
	}

	/**
	 * Sends a form POST.
	 * @param url the URL
	 * @param authorization the Authorization header, or {@code null}
	 * @param params the form parameters
	 * @return the response
	 */
	public Response post(String url, String authorization, Map<String, String> params) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form(params)));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request.build());
	}

	private Response send(HttpRequest request) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers().firstValue("Location").orElse(""),
					response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException("HTTP request failed: " + request.uri(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private String basic() {
		return "Basic " + Base64.getEncoder()
			.encodeToString((this.clientId + ":" + this.clientSecret).getBytes(StandardCharsets.UTF_8));
	}

	private static void require(boolean condition, String step, Response response) {
		if (!condition) {
			throw new AssertionError("Step failed: " + step + " (status " + response.status() + ", location "
					+ response.location() + ")");
		}
	}

	private static String form(Map<String, String> params) {
		return params.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private static Map<String, String> query(String rawQuery) {
		Map<String, String> params = new LinkedHashMap<>();
		for (String pair : rawQuery.split("&")) {
			int equals = pair.indexOf('=');
			params.put(java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return params;
	}

	private static String randomUrlSafe(int bytes) {
		byte[] random = new byte[bytes];
		new SecureRandom().nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}

	private static String challenge(String verifier) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An HTTP response.
	 *
	 * @param status the status code
	 * @param location the Location header, or empty
	 * @param body the body
	 */
	public record Response(int status, String location, String body) {

		/**
		 * Returns the body as JSON.
		 * @return the JSON, or an empty object when the body is empty
		 */
		public JsonNode json() {
			return (this.body == null || this.body.isBlank()) ? JSON.createObjectNode() : JSON.readTree(this.body);
		}

	}

	/**
	 * A token endpoint response.
	 *
	 * @param status the status code
	 * @param json the body
	 * @param code the authorization code it was exchanged for, when known
	 */
	public record TokenResponse(int status, JsonNode json, String code) {

		public String accessToken() {
			return text("access_token");
		}

		public String refreshToken() {
			return text("refresh_token");
		}

		public String idToken() {
			return text("id_token");
		}

		public String error() {
			return text("error");
		}

		private String text(String field) {
			JsonNode value = this.json.get(field);
			return (value != null) ? value.asString() : null;
		}

	}

}
