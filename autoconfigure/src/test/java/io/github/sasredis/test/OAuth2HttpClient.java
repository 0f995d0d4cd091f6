package io.github.sasredis.test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

	private static final Pattern CONSENT_STATE = Pattern.compile("name=\"state\" value=\"([^\"]+)\"");

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
		AuthorizationCode code = authorizationCode(username, password, scope, true);
		Response token = exchange(code);
		require(token.status() == 200, "code exchanged", token);
		return new TokenResponse(token.status(), token.json(), code.code());
	}

	/**
	 * Runs the authorization request of the code flow with PKCE, logging in through the form login page unless this
	 * client's browser session is already logged in, and returns the code without exchanging it.
	 * @param username the user
	 * @param password the password
	 * @param scope the scopes, space separated
	 * @return the code and its PKCE verifier, for {@link #exchange(AuthorizationCode)}
	 */
	public AuthorizationCode authorizationCode(String username, String password, String scope) {
		return authorizationCode(username, password, scope, false);
	}

	private AuthorizationCode authorizationCode(String username, String password, String scope,
			boolean freshLogin) {
		String verifier = randomUrlSafe(32);
		String state = randomUrlSafe(16);
		String authorize = this.baseUrl + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id",
				this.clientId, "redirect_uri", this.redirectUri, "scope", scope, "state", state, "code_challenge",
				challenge(verifier), "code_challenge_method", "S256"));
		Response authorized;
		if (freshLogin) {
			// a session logged in already would silently issue the code to its user, not to this one
			Response first = get(authorize);
			require(first.status() == 302 && first.location().endsWith("/login"), "authorize → login", first);
			authorized = logIn(username, password);
		}
		else {
			authorized = browseLoggingIn(authorize, username, password);
		}
		require(authorized.status() == 302 && authorized.location().startsWith(this.redirectUri),
				"authorize → redirect URI with a code", authorized);
		Map<String, String> callback = query(URI.create(authorized.location()).getRawQuery());
		require(state.equals(callback.get("state")), "state echoed", authorized);
		return new AuthorizationCode(callback.get("code"), verifier);
	}

	/**
	 * Exchanges an authorization code at the token endpoint.
	 * @param code the code and its PKCE verifier
	 * @return the response, successful or not
	 */
	public Response exchange(AuthorizationCode code) {
		return post(this.baseUrl + "/oauth2/token", basic(), Map.of("grant_type", "authorization_code", "code",
				code.code(), "redirect_uri", this.redirectUri, "code_verifier", code.verifier()));
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

	/**
	 * Opens a page as a browser does: when the server sends it to the login page, logs in through the form (with its
	 * CSRF token) and opens the page the server resumes to. Redirects are not followed further.
	 * @param url the page
	 * @param username the user
	 * @param password the password
	 * @return the response of the page after login (or of the first request when no login was needed)
	 */
	public Response browseLoggingIn(String url, String username, String password) {
		Response first = get(url);
		if (!(first.status() == 302 && first.location().endsWith("/login"))) {
			return first;
		}
		return logIn(username, password);
	}

	private Response logIn(String username, String password) {
		Response loginPage = get(this.baseUrl + "/login");
		Matcher csrf = CSRF.matcher(loginPage.body());
		require(loginPage.status() == 200 && csrf.find(), "login page with a CSRF token", loginPage);
		Response login = post(this.baseUrl + "/login", null,
				Map.of("username", username, "password", password, "_csrf", csrf.group(1)));
		require(login.status() == 302 && !login.location().contains("error"), "login accepted", login);
		return get(absolute(login.location()));
	}

	/**
	 * Runs the authorization code flow with PKCE for a client that requires consent: logs in, reads the consent page,
	 * hands the {@code state} the server generated for it to {@code awaitingConsent}, then approves the given scopes
	 * and exchanges the code.
	 * @param username the user
	 * @param password the password
	 * @param scope the scopes requested, space separated
	 * @param approvedScopes the scopes ticked on the consent page
	 * @param awaitingConsent called with the server's consent {@code state} while the consent is pending
	 * @return the token response, with the code
	 */
	public TokenResponse authorizationCodeFlowWithConsent(String username, String password, String scope,
			List<String> approvedScopes, Consumer<String> awaitingConsent) {
		String verifier = randomUrlSafe(32);
		String state = randomUrlSafe(16);
		String authorize = this.baseUrl + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id",
				this.clientId, "redirect_uri", this.redirectUri, "scope", scope, "state", state, "code_challenge",
				challenge(verifier), "code_challenge_method", "S256"));
		Response consentPage = browseLoggingIn(authorize, username, password);
		Matcher consentState = CONSENT_STATE.matcher(consentPage.body());
		require(consentPage.status() == 200 && consentState.find(), "consent page with a state", consentPage);
		String serverState = consentState.group(1);
		awaitingConsent.accept(serverState);
		List<Map.Entry<String, String>> params = new ArrayList<>();
		params.add(Map.entry("client_id", this.clientId));
		params.add(Map.entry("state", serverState));
		approvedScopes.forEach((approved) -> params.add(Map.entry("scope", approved)));
		Response consented = postRaw(this.baseUrl + "/oauth2/authorize", null, "application/x-www-form-urlencoded",
				formOf(params));
		require(consented.status() == 302 && consented.location().startsWith(this.redirectUri),
				"consent → redirect URI with a code", consented);
		Map<String, String> callback = query(URI.create(consented.location()).getRawQuery());
		require(state.equals(callback.get("state")), "client state echoed", consented);
		Response token = post(this.baseUrl + "/oauth2/token", basic(), Map.of("grant_type", "authorization_code",
				"code", callback.get("code"), "redirect_uri", this.redirectUri, "code_verifier", verifier));
		require(token.status() == 200, "code exchanged", token);
		return new TokenResponse(token.status(), token.json(), callback.get("code"));
	}

	/**
	 * Calls the token endpoint with the client credentials grant.
	 * @param scope the scopes, space separated
	 * @return the response
	 */
	public TokenResponse clientCredentials(String scope) {
		Response response = post(this.baseUrl + "/oauth2/token", basic(),
				Map.of("grant_type", "client_credentials", "scope", scope));
		return new TokenResponse(response.status(), response.json(), null);
	}

	/**
	 * Calls the RFC 8628 device authorization endpoint.
	 * @param scope the scopes, space separated
	 * @return the response ({@code device_code}, {@code user_code}, {@code verification_uri_complete}, ...)
	 */
	public Response deviceAuthorization(String scope) {
		return post(this.baseUrl + "/oauth2/device_authorization", basic(), Map.of("scope", scope));
	}

	/**
	 * Polls the token endpoint with the device code grant.
	 * @param deviceCode the device code
	 * @return the response, {@code authorization_pending} until the user approved
	 */
	public TokenResponse deviceToken(String deviceCode) {
		Response response = post(this.baseUrl + "/oauth2/token", basic(),
				Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code", deviceCode));
		return new TokenResponse(response.status(), response.json(), null);
	}

	/**
	 * Calls the token endpoint with the RFC 8693 token exchange grant, asking for an access token.
	 * @param subjectToken the subject token (an access token)
	 * @param actorToken the actor token (an access token), or {@code null} for impersonation
	 * @return the response
	 */
	public TokenResponse tokenExchange(String subjectToken, String actorToken) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		params.put("subject_token", subjectToken);
		params.put("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
		params.put("requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
		if (actorToken != null) {
			params.put("actor_token", actorToken);
			params.put("actor_token_type", "urn:ietf:params:oauth:token-type:access_token");
		}
		Response response = post(this.baseUrl + "/oauth2/token", basic(), params);
		return new TokenResponse(response.status(), response.json(), null);
	}

	/**
	 * Calls the OIDC UserInfo endpoint with a bearer token.
	 * @param accessToken the access token
	 * @return the response
	 */
	public Response userInfo(String accessToken) {
		return get(this.baseUrl + "/userinfo", "application/json", "Bearer " + accessToken);
	}

	/**
	 * Calls the OIDC RP-initiated logout endpoint ({@code /connect/logout}) with an ID token hint, in this client's
	 * browser session.
	 * @param idTokenHint the ID token
	 * @param postLogoutRedirectUri the post-logout redirect URI, or {@code null}
	 * @return the response
	 */
	public Response oidcLogout(String idTokenHint, String postLogoutRedirectUri) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("id_token_hint", idTokenHint);
		params.put("client_id", this.clientId);
		if (postLogoutRedirectUri != null) {
			params.put("post_logout_redirect_uri", postLogoutRedirectUri);
			params.put("state", randomUrlSafe(8));
		}
		return get(this.baseUrl + "/connect/logout?" + form(params), "text/html", null);
	}

	/**
	 * Calls the token endpoint with the refresh token grant, sending the request body as given (not encoded by this
	 * client), for example with malformed percent-encoding or bytes that are not UTF-8.
	 * @param rawForm the {@code application/x-www-form-urlencoded} body as bytes
	 * @param endpoint the endpoint path, for example {@code /oauth2/token}
	 * @return the response
	 */
	public Response postRawForm(String endpoint, byte[] rawForm) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + endpoint))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", basic())
			.POST(HttpRequest.BodyPublishers.ofByteArray(rawForm))
			.build();
		return send(request);
	}

	/**
	 * Sends a POST with the given body as is.
	 * @param url the URL
	 * @param authorization the Authorization header, or {@code null}
	 * @param contentType the Content-Type header
	 * @param body the body
	 * @return the response
	 */
	public Response postRaw(String url, String authorization, String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request.build());
	}

	/**
	 * Returns this client's {@code client_secret_basic} Authorization header.
	 * @return the header value
	 */
	public String basicAuthorization() {
		return basic();
	}

	/**
	 * Returns the base URL of the server.
	 * @return the base URL
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Encodes form parameters, keeping repeated names.
	 * @param params the parameters in order
	 * @return the {@code application/x-www-form-urlencoded} body
	 */
	public static String formOf(List<Map.Entry<String, String>> params) {
		return params.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private String absolute(String location) {
		return location.startsWith("http") ? location : this.baseUrl + location;
	}

	private Response send(HttpRequest request) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers().firstValue("Location").orElse(""),
					response.body(), response.headers());
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
	 * @param headers the headers
	 */
	public record Response(int status, String location, String body, HttpHeaders headers) {

		/**
		 * Returns the first value of a header.
		 * @param name the header name, in any case
		 * @return the value, or {@code null} when the response has no such header
		 */
		public String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		/**
		 * Returns the body as JSON.
		 * @return the JSON, or an empty object when the body is empty
		 */
		public JsonNode json() {
			return (this.body == null || this.body.isBlank()) ? JSON.createObjectNode() : JSON.readTree(this.body);
		}

	}

	/**
	 * An authorization code not exchanged yet.
	 *
	 * @param code the code
	 * @param verifier its PKCE code verifier
	 */
	public record AuthorizationCode(String code, String verifier) {

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
