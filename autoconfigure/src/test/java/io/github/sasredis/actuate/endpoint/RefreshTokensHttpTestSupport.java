package io.github.sasredis.actuate.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.github.sasredis.actuate.RefreshTokensTestApplication;
import io.github.sasredis.actuate.TestAuthorizations;
import io.github.sasredis.actuate.TestAuthorizations.Issued;
import io.github.sasredis.test.SharedRedis;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the endpoint's HTTP test classes share: one application context (same configuration and properties, so
 * Spring's test context cache starts it once) on the shared Redis, a real HTTP client that sends paths exactly as
 * written (percent-encoding included), and authorizations saved through the real store.
 */
@SpringBootTest(classes = RefreshTokensTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=refreshtokens",
				RefreshTokensHttpTestSupport.CLIENT + "client-id=" + TestAuthorizations.CLIENT_ID,
				RefreshTokensHttpTestSupport.CLIENT + "client-secret={noop}" + TestAuthorizations.CLIENT_SECRET,
				RefreshTokensHttpTestSupport.CLIENT + "client-authentication-methods=client_secret_basic",
				RefreshTokensHttpTestSupport.CLIENT
						+ "authorization-grant-types=authorization_code,refresh_token,client_credentials",
				RefreshTokensHttpTestSupport.CLIENT + "redirect-uris=http://127.0.0.1:8080/callback",
				RefreshTokensHttpTestSupport.CLIENT + "scopes=read,write" })
abstract class RefreshTokensHttpTestSupport {

	/** Prefix of the registered client's properties. */
	static final String CLIENT = "spring.security.oauth2.authorizationserver.client.test-client.registration.";


	static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** Every response body received, to check that no token value ever leaves the server. */
	final List<String> bodies = new ArrayList<>();

	@LocalServerPort
	int port;

	@Autowired
	OAuth2AuthorizationService authorizationService;

	@Autowired
	RegisteredClientRepository registeredClients;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", SharedRedis::uri);
	}

	/**
	 * Saves a new authorization of a user through the store.
	 * @param user the principal name
	 * @return the authorization and its token values
	 */
	Issued issue(String user) {
		Issued issued = TestAuthorizations.issue(client(), user);
		this.authorizationService.save(issued.authorization());
		return issued;
	}

	RegisteredClient client() {
		RegisteredClient client = this.registeredClients.findByClientId(TestAuthorizations.CLIENT_ID);
		if (client == null) {
			throw new IllegalStateException("The test client is not registered");
		}
		return client;
	}

	Response get(String rawPath) {
		return send(HttpRequest.newBuilder(uri(rawPath)).GET());
	}

	Response delete(String rawPath) {
		return send(HttpRequest.newBuilder(uri(rawPath)).DELETE());
	}

	Response deleteAs(String user, String password, String rawPath) {
		return send(HttpRequest.newBuilder(uri(rawPath)).DELETE().header("Authorization", basic(user, password)));
	}

	/**
	 * Presents a refresh token to the real token endpoint as the test client.
	 * @param refreshToken the refresh token value
	 * @return the response
	 */
	Response refresh(String refreshToken) {
		return postAsClient("/oauth2/token", "grant_type=refresh_token&refresh_token=" + form(refreshToken));
	}

	/**
	 * Introspects a token at the real introspection endpoint as the test client.
	 * @param token the token value
	 * @return the response
	 */
	Response introspect(String token) {
		return postAsClient("/oauth2/introspect", "token=" + form(token));
	}

	/**
	 * Revokes a refresh token at the real RFC 7009 revocation endpoint as the test client.
	 * @param refreshToken the refresh token value
	 * @return the response
	 */
	Response revokeAtAuthorizationServer(String refreshToken) {
		return postAsClient("/oauth2/revoke", "token_type_hint=refresh_token&token=" + form(refreshToken));
	}

	private Response postAsClient(String path, String form) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Authorization", basic(TestAuthorizations.CLIENT_ID, TestAuthorizations.CLIENT_SECRET))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form)));
	}

	/**
	 * Percent-encodes every character of a path segment except the unreserved ones ({@code A-Z a-z 0-9 - . _ ~}).
	 * @param segment the raw segment
	 * @return the encoded segment
	 */
	static String encode(String segment) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
					|| c == '_' || c == '~') {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(String.format("%02X", b & 0xff));
			}
		}
		return encoded.toString();
	}

	private URI uri(String rawPath) {
		return URI.create("http://localhost:" + this.port + rawPath);
	}

	private Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			this.bodies.add(response.body());
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static String form(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/**
	 * An HTTP response.
	 *
	 * @param status the status code
	 * @param body the body, possibly empty
	 */
	record Response(int status, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
