package io.github.sasredis.e2e;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.Response;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import io.github.sasredis.test.RedisTestClient;
import io.github.sasredis.test.SharedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the end-to-end tests that share one authorization server ({@link EveryFlowTestServer}, so one cached
 * application context): three clients registered with Boot properties, all on the tests' shared Redis, which is
 * flushed before each test.
 * <ul>
 * <li>{@code rotating-client}: {@code token.reuse-refresh-tokens=false} (rotation), every grant type;</li>
 * <li>{@code reusing-client}: the default {@code reuse-refresh-tokens=true}, every grant type;</li>
 * <li>{@code consenting-client}: requires consent (so that the server generates a {@code state}), rotation.</li>
 * </ul>
 */
@SpringBootTest(classes = EveryFlowTestServer.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		EveryFlowTestSupport.ROTATING + "client-id=rotating-client",
		EveryFlowTestSupport.ROTATING + "client-secret={noop}rotating-secret",
		EveryFlowTestSupport.ROTATING + "client-authentication-methods=client_secret_basic",
		EveryFlowTestSupport.ROTATING + "authorization-grant-types=" + EveryFlowTestSupport.GRANT_TYPES,
		EveryFlowTestSupport.ROTATING + "redirect-uris=" + EveryFlowTestSupport.REDIRECT_URI,
		EveryFlowTestSupport.ROTATING + "post-logout-redirect-uris=" + EveryFlowTestSupport.POST_LOGOUT_URI,
		EveryFlowTestSupport.ROTATING + "scopes=openid,profile,read",
		"spring.security.oauth2.authorizationserver.client.rotating.require-authorization-consent=false",
		"spring.security.oauth2.authorizationserver.client.rotating.token.reuse-refresh-tokens=false",
		EveryFlowTestSupport.REUSING + "client-id=reusing-client",
		EveryFlowTestSupport.REUSING + "client-secret={noop}reusing-secret",
		EveryFlowTestSupport.REUSING + "client-authentication-methods=client_secret_basic",
		EveryFlowTestSupport.REUSING + "authorization-grant-types=" + EveryFlowTestSupport.GRANT_TYPES,
		EveryFlowTestSupport.REUSING + "redirect-uris=" + EveryFlowTestSupport.REDIRECT_URI,
		EveryFlowTestSupport.REUSING + "post-logout-redirect-uris=" + EveryFlowTestSupport.POST_LOGOUT_URI,
		EveryFlowTestSupport.REUSING + "scopes=openid,profile,read",
		"spring.security.oauth2.authorizationserver.client.reusing.require-authorization-consent=false",
		EveryFlowTestSupport.CONSENTING + "client-id=consenting-client",
		EveryFlowTestSupport.CONSENTING + "client-secret={noop}consenting-secret",
		EveryFlowTestSupport.CONSENTING + "client-authentication-methods=client_secret_basic",
		EveryFlowTestSupport.CONSENTING + "authorization-grant-types=authorization_code,refresh_token,"
				+ "urn:ietf:params:oauth:grant-type:device_code",
		EveryFlowTestSupport.CONSENTING + "redirect-uris=" + EveryFlowTestSupport.REDIRECT_URI,
		EveryFlowTestSupport.CONSENTING + "scopes=openid,profile,read",
		"spring.security.oauth2.authorizationserver.client.consenting.require-authorization-consent=true",
		"spring.security.oauth2.authorizationserver.client.consenting.token.reuse-refresh-tokens=false" })
abstract class EveryFlowTestSupport {

	static final String ROTATING = "spring.security.oauth2.authorizationserver.client.rotating.registration.";

	static final String REUSING = "spring.security.oauth2.authorizationserver.client.reusing.registration.";

	static final String CONSENTING = "spring.security.oauth2.authorizationserver.client.consenting.registration.";

	static final String GRANT_TYPES = "authorization_code,refresh_token,client_credentials,"
			+ "urn:ietf:params:oauth:grant-type:device_code,urn:ietf:params:oauth:grant-type:token-exchange";

	static final String REDIRECT_URI = "http://127.0.0.1:8080/callback";

	static final String POST_LOGOUT_URI = "http://127.0.0.1:8080/logged-out";

	static final String USER = "user";

	/** A user id longer than the 8 characters a log line may show. */
	static final String LONG_USER = "alexander-the-great";

	static final String PASSWORD = "password";

	private static final Pattern CONSENT_STATE = Pattern.compile("name=\"state\" value=\"([^\"]+)\"");

	final RedisTestClient redis = RedisTestClient.shared();

	@LocalServerPort
	int port;

	@Autowired
	EveryFlowTestServer.RevokedEvents revokedEvents;

	@Autowired
	EveryFlowTestServer.RaceGate raceGate;

	@Autowired
	RedisOAuth2AuthorizationService store;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", SharedRedis::uri);
	}

	@BeforeEach
	void resetServer() {
		this.redis.flushAll();
		this.revokedEvents.clear();
		this.raceGate.disarm();
	}

	@AfterEach
	void closeRedis() {
		this.raceGate.disarm();
		this.redis.close();
	}

	String baseUrl() {
		return "http://localhost:" + this.port;
	}

	OAuth2HttpClient rotatingClient() {
		return new OAuth2HttpClient(baseUrl(), "rotating-client", "rotating-secret", REDIRECT_URI);
	}

	OAuth2HttpClient reusingClient() {
		return new OAuth2HttpClient(baseUrl(), "reusing-client", "reusing-secret", REDIRECT_URI);
	}

	OAuth2HttpClient consentingClient() {
		return new OAuth2HttpClient(baseUrl(), "consenting-client", "consenting-secret", REDIRECT_URI);
	}

	/**
	 * Returns the refresh-token record keys of a user.
	 * @param userId the user
	 * @return the keys {@code refresh_token:<user>:<jti>}
	 */
	List<String> recordKeys(String userId) {
		return this.redis.scanAllKeys().stream().filter((key) -> key.startsWith("refresh_token:" + userId + ":")).toList();
	}

	/**
	 * Asserts that no secret (nor, for a JWT, its signature alone) appears in any key or value in Redis.
	 * @param step what was just done, for the failure message
	 * @param secrets the secrets sent by the server so far
	 */
	void assertNothingUsableAtRest(String step, Collection<String> secrets) {
		String dump = this.redis.dumpAllKeysAndValues();
		assertThat(dump).as("Redis dump after %s", step).isNotBlank();
		for (String secret : forms(secrets)) {
			assertThat(dump).as("Redis dump after %s must not contain a secret", step).doesNotContain(secret);
		}
	}

	/**
	 * Returns every form of the given secrets that must not be found: the value, a JWT's signature, a user code
	 * without its dash.
	 * @param secrets the secrets
	 * @return the forms to look for
	 */
	static List<String> forms(Collection<String> secrets) {
		List<String> forms = new ArrayList<>();
		for (String secret : secrets) {
			if (secret == null || secret.isEmpty()) {
				continue;
			}
			forms.add(secret);
			String[] jwt = secret.split("\\.");
			if (jwt.length == 3) {
				forms.add(jwt[2]);
			}
			if (secret.matches("[A-Z]{4}-[A-Z]{4}")) {
				forms.add(secret.replace("-", ""));
			}
		}
		return forms;
	}

	/**
	 * Called after each step of {@link #runEveryFlow} with every secret the server has sent so far.
	 */
	@FunctionalInterface
	interface Checkpoint {

		void after(String step, List<String> secrets);

	}

	/**
	 * Runs every flow the server offers, as {@code userId}, checking that each works, and calls the checkpoint after
	 * each step: authorization code with PKCE, refresh with rotation, authorization code and refresh without rotation,
	 * authorization code with consent (the server's {@code state}), client credentials, device authorization (with the
	 * consent page and its {@code state}, then refreshed; and for a client already consented to), introspection, OIDC
	 * UserInfo, token exchange (impersonation and delegation), OIDC logout with an ID token hint, revocation of a
	 * refresh and of an access token, introspection of a rotated-out refresh token.
	 * @param userId the user that logs in
	 * @param checkpoint called after each step
	 * @return every secret the server sent (codes, tokens, device and user codes, consent states)
	 */
	List<String> runEveryFlow(String userId, Checkpoint checkpoint) {
		List<String> secrets = new ArrayList<>();
		OAuth2HttpClient rotating = rotatingClient();
		OAuth2HttpClient reusing = reusingClient();
		OAuth2HttpClient consenting = consentingClient();

		// authorization code + PKCE
		TokenResponse issued = rotating.authorizationCodeFlow(userId, PASSWORD, "openid profile read");
		assertThat(issued.accessToken()).isNotBlank();
		assertThat(issued.refreshToken()).isNotBlank();
		assertThat(issued.idToken()).isNotBlank();
		addAll(secrets, issued.code(), issued.accessToken(), issued.refreshToken(), issued.idToken());
		assertThat(recordKeys(userId)).hasSize(1);
		checkpoint.after("authorization code + PKCE", secrets);

		// refresh with rotation
		TokenResponse rotated = rotating.refresh(issued.refreshToken());
		assertThat(rotated.status()).isEqualTo(200);
		assertThat(rotated.refreshToken()).isNotBlank().isNotEqualTo(issued.refreshToken());
		assertThat(rotated.idToken()).isNotBlank();
		addAll(secrets, rotated.accessToken(), rotated.refreshToken(), rotated.idToken());
		checkpoint.after("refresh with rotation", secrets);

		// authorization code, then refresh without rotation
		TokenResponse reusingIssued = reusing.authorizationCodeFlow(userId, PASSWORD, "openid read");
		addAll(secrets, reusingIssued.code(), reusingIssued.accessToken(), reusingIssued.refreshToken(),
				reusingIssued.idToken());
		TokenResponse reused = reusing.refresh(reusingIssued.refreshToken());
		assertThat(reused.status()).isEqualTo(200);
		assertThat(reused.refreshToken()).isEqualTo(reusingIssued.refreshToken());
		assertThat(reused.accessToken()).isNotEqualTo(reusingIssued.accessToken());
		addAll(secrets, reused.accessToken(), reused.idToken());
		TokenResponse reusedAgain = reusing.refresh(reusingIssued.refreshToken());
		assertThat(reusedAgain.status()).isEqualTo(200);
		addAll(secrets, reusedAgain.accessToken(), reusedAgain.idToken());
		assertThat(recordKeys(userId)).hasSize(2);
		checkpoint.after("refresh without rotation", secrets);

		// authorization code with consent: the server generates a state, kept while the consent is pending
		TokenResponse consented = consenting.authorizationCodeFlowWithConsent(userId, PASSWORD,
				"openid profile read", List.of("profile", "read"), (state) -> {
					secrets.add(state);
					checkpoint.after("authorization request awaiting consent", secrets);
				});
		assertThat(consented.accessToken()).isNotBlank();
		assertThat(consented.idToken()).isNotBlank();
		addAll(secrets, consented.code(), consented.accessToken(), consented.refreshToken(), consented.idToken());
		checkpoint.after("authorization code with consent", secrets);

		// client credentials
		TokenResponse machine = rotating.clientCredentials("read");
		assertThat(machine.status()).isEqualTo(200);
		assertThat(machine.accessToken()).isNotBlank();
		assertThat(machine.refreshToken()).isNull();
		addAll(secrets, machine.accessToken());
		JsonNode machineIntrospection = rotating.introspect(machine.accessToken());
		assertThat(machineIntrospection.get("active").asBoolean()).isTrue();
		assertThat(machineIntrospection.get("sub").asString()).isEqualTo("rotating-client");
		checkpoint.after("client credentials", secrets);

		// device authorization (with consent: the server generates a state)
		TokenResponse deviceTokens = deviceFlow(rotating, "rotating-client", userId, List.of("profile", "read"),
				secrets, checkpoint);
		assertThat(rotating.introspect(deviceTokens.accessToken()).get("sub").asString()).isEqualTo(userId);
		TokenResponse deviceRefreshed = rotating.refresh(deviceTokens.refreshToken());
		assertThat(deviceRefreshed.status()).isEqualTo(200);
		addAll(secrets, deviceRefreshed.accessToken(), deviceRefreshed.refreshToken());
		checkpoint.after("device grant refreshed", secrets);

		// device authorization for a client the user already consented to (in the authorization code flow)
		TokenResponse consentedDevice = deviceFlow(consenting, "consenting-client", userId, null, secrets, checkpoint);
		assertThat(consenting.introspect(consentedDevice.accessToken()).get("active").asBoolean()).isTrue();

		// introspection
		JsonNode accessIntrospection = rotating.introspect(rotated.accessToken());
		assertThat(accessIntrospection.get("active").asBoolean()).isTrue();
		assertThat(accessIntrospection.get("sub").asString()).isEqualTo(userId);
		assertThat(accessIntrospection.get("client_id").asString()).isEqualTo("rotating-client");
		JsonNode refreshIntrospection = rotating.introspect(rotated.refreshToken());
		assertThat(refreshIntrospection.get("active").asBoolean()).isTrue();
		assertThat(reusing.introspect(reusingIssued.refreshToken()).get("active").asBoolean()).isTrue();
		checkpoint.after("introspection", secrets);

		// OIDC UserInfo
		Response userInfo = rotating.userInfo(rotated.accessToken());
		assertThat(userInfo.status()).as(userInfo.body()).isEqualTo(200);
		assertThat(userInfo.json().get("sub").asString()).isEqualTo(userId);
		Response consentedUserInfo = consenting.userInfo(consented.accessToken());
		assertThat(consentedUserInfo.status()).as(consentedUserInfo.body()).isEqualTo(200);
		assertThat(consentedUserInfo.json().get("sub").asString()).isEqualTo(userId);
		checkpoint.after("OIDC UserInfo", secrets);

		// token exchange: impersonation, then delegation with the client-credentials token as actor
		TokenResponse impersonation = rotating.tokenExchange(rotated.accessToken(), null);
		assertThat(impersonation.status()).as(impersonation.json().toString()).isEqualTo(200);
		assertThat(impersonation.accessToken()).isNotBlank();
		addAll(secrets, impersonation.accessToken());
		JsonNode exchanged = rotating.introspect(impersonation.accessToken());
		assertThat(exchanged.get("active").asBoolean()).isTrue();
		assertThat(exchanged.get("sub").asString()).isEqualTo(userId);
		TokenResponse delegation = rotating.tokenExchange(rotated.accessToken(), machine.accessToken());
		assertThat(delegation.status()).as(delegation.json().toString()).isEqualTo(200);
		addAll(secrets, delegation.accessToken());
		JsonNode delegated = rotating.introspect(delegation.accessToken());
		assertThat(delegated.get("active").asBoolean()).isTrue();
		assertThat(delegated.get("sub").asString()).isEqualTo(userId);
		checkpoint.after("token exchange", secrets);

		// OIDC RP-initiated logout with an ID token hint, in the browser session that logged in
		Response logout = rotating.oidcLogout(rotated.idToken(), POST_LOGOUT_URI);
		assertThat(logout.status()).as(logout.body()).isEqualTo(302);
		assertThat(logout.location()).startsWith(POST_LOGOUT_URI);
		Response loggedOut = rotating.get(rotating.baseUrl() + "/oauth2/authorize?response_type=code&client_id=x");
		assertThat(loggedOut.location()).as("the session ended").endsWith("/login");
		checkpoint.after("OIDC logout", secrets);

		// revocation: a rotating refresh token (with its grant's access token), an access token of another grant
		assertThat(rotating.revoke(rotated.refreshToken(), "refresh_token").status()).isEqualTo(200);
		assertThat(rotating.refresh(rotated.refreshToken()).error()).isEqualTo("invalid_grant");
		assertThat(rotating.introspect(rotated.accessToken()).get("active").asBoolean()).isFalse();
		assertThat(reusing.revoke(reusedAgain.accessToken(), "access_token").status()).isEqualTo(200);
		assertThat(reusing.introspect(reusedAgain.accessToken()).get("active").asBoolean()).isFalse();
		assertThat(reusing.introspect(reusingIssued.refreshToken()).get("active").asBoolean()).isTrue();
		checkpoint.after("revocation", secrets);

		// a rotated-out refresh token introspects as inactive; introspection is not reuse, so the grant is kept
		assertThat(rotating.introspect(deviceTokens.refreshToken()).get("active").asBoolean()).isFalse();
		checkpoint.after("rotated-out refresh token introspected", secrets);
		return secrets;
	}

	private TokenResponse deviceFlow(OAuth2HttpClient client, String clientId, String userId,
			List<String> consentScopes, List<String> secrets, Checkpoint checkpoint) {
		String flow = "device grant (" + clientId + ")";
		Response authorization = client.deviceAuthorization("profile read");
		assertThat(authorization.status()).as(authorization.body()).isEqualTo(200);
		String deviceCode = authorization.json().get("device_code").asString();
		String userCode = authorization.json().get("user_code").asString();
		addAll(secrets, deviceCode, userCode);
		assertThat(client.deviceToken(deviceCode).error()).isEqualTo("authorization_pending");
		checkpoint.after(flow + ": device authorization request", secrets);

		// Spring Authorization Server asks for consent in the device flow unless the user already gave it
		Response verification = client.browseLoggingIn(
				authorization.json().get("verification_uri_complete").asString(), userId, PASSWORD);
		if (consentScopes != null) {
			Matcher state = CONSENT_STATE.matcher(verification.body());
			assertThat(verification.status()).isEqualTo(200);
			assertThat(state.find()).as("device consent page with a state").isTrue();
			secrets.add(state.group(1));
			checkpoint.after(flow + ": awaiting consent", secrets);
			List<Map.Entry<String, String>> params = new ArrayList<>();
			params.add(Map.entry("client_id", clientId));
			params.add(Map.entry("state", state.group(1)));
			params.add(Map.entry("user_code", userCode));
			consentScopes.forEach((scope) -> params.add(Map.entry("scope", scope)));
			verification = client.postRaw(client.baseUrl() + "/oauth2/device_verification", null,
					"application/x-www-form-urlencoded", OAuth2HttpClient.formOf(params));
		}
		assertThat(verification.status()).as(verification.body()).isEqualTo(302);
		assertThat(verification.location()).endsWith("/?success");
		checkpoint.after(flow + ": verified", secrets);

		TokenResponse tokens = client.deviceToken(deviceCode);
		assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);
		assertThat(tokens.accessToken()).isNotBlank();
		assertThat(tokens.refreshToken()).isNotBlank();
		addAll(secrets, tokens.accessToken(), tokens.refreshToken());
		// a device code is used once: Spring Authorization Server answers an invalidated one with access_denied
		assertThat(client.deviceToken(deviceCode).error()).as("a device code is used once").isEqualTo("access_denied");
		checkpoint.after(flow + ": tokens polled", secrets);
		return tokens;
	}

	private static void addAll(List<String> secrets, String... values) {
		for (String value : values) {
			if (value != null) {
				secrets.add(value);
			}
		}
	}

}
