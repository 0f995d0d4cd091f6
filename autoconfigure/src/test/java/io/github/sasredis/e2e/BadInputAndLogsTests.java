package io.github.sasredis.e2e;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.store.mapping.DocumentEncoding;
import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.Response;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input and logs (issue 5, point 5).
 * <ul>
 * <li>Refresh, revoke and introspect with tokens that are empty, 20 kB long, non-ASCII, with NUL bytes or malformed:
 * never a 5xx. Refresh answers 400 with an OAuth2 error body; introspection answers an unknown token with exactly
 * {@code {"active":false}} (RFC 7662) and a missing one with 400 {@code invalid_request}; revocation answers an
 * unknown token with 200 (RFC 7009) and a missing one with 400 {@code invalid_request}. None of it disturbs a live
 * grant. Bodies that are not valid form encoding get 400 {@code invalid_request} as well (from the starter's
 * {@code OAuth2ErrorResponseFilter}), with or without a browser session.</li>
 * <li>The logs of every flow (and of reuse detection and bad input), with the store, Spring Security, Lettuce and
 * Spring Data Redis logging at TRACE, hold no token value, code, state, user code or digest of any of them, and no
 * INFO (or higher) line holds more than the first 8 characters of any principal name of the flow (the user, and the
 * client of the client credentials grant): the reuse detection's WARN names {@code alexande...}, never
 * {@code alexander-the-great}.</li>
 * </ul>
 * Spring Security itself writes secrets (request URIs with user codes and ID token hints, redirect URLs with codes) at
 * DEBUG and TRACE from the four loggers of {@link #SECURITY_LOGGERS_THAT_LEAK_BELOW_INFO}, and Lettuce writes digests
 * (in key names and script arguments and replies) below INFO from the loggers of
 * {@link #REDIS_LOGGERS_THAT_LEAK_BELOW_INFO}: they are kept at INFO while the rest logs at TRACE.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadInputAndLogsTests extends EveryFlowTestSupport {

	/**
	 * Spring Security loggers that write secrets at DEBUG or TRACE, found by this test; they are kept at INFO while the
	 * rest of {@code org.springframework.security} logs at TRACE.
	 * <ul>
	 * <li>{@code FilterChainProxy} (DEBUG): "Securing GET /oauth2/device_verification?user_code=...", "Securing GET
	 * /connect/logout?id_token_hint=...";</li>
	 * <li>{@code DefaultRedirectStrategy} (DEBUG): "Redirecting to http://client/callback?code=...", and to the saved
	 * verification request with its user code;</li>
	 * <li>{@code HttpSessionRequestCache} (DEBUG): "Saved request .../oauth2/device_verification?user_code=...";</li>
	 * <li>{@code RequestMatcherDelegatingAuthorizationManager} (TRACE): "Authorizing GET
	 * /oauth2/device_verification?user_code=...".</li>
	 * </ul>
	 */
	static final List<String> SECURITY_LOGGERS_THAT_LEAK_BELOW_INFO = List.of(
			"org.springframework.security.web.FilterChainProxy",
			"org.springframework.security.web.DefaultRedirectStrategy",
			"org.springframework.security.web.savedrequest.HttpSessionRequestCache",
			"org.springframework.security.web.access.intercept.RequestMatcherDelegatingAuthorizationManager");

	/**
	 * Lettuce loggers that write digests below INFO, found by this test; they are kept at INFO while the rest of
	 * {@code io.lettuce.core} and {@code org.springframework.data.redis} logs at TRACE. Both leak at TRACE only (their
	 * DEBUG lines name commands, not arguments), never a token value, since none reaches Redis.
	 * <ul>
	 * <li>{@code CommandEncoder} (TRACE): "Sent: ..." with every command as sent, so key names
	 * {@code oauth2:token:<digest>} and the save script's arguments (the document with its digests);</li>
	 * <li>{@code CommandHandler} (TRACE): "Buffer: ..." with every reply as received, so the documents read back.</li>
	 * </ul>
	 * Spring Data Redis logs nothing of a command's arguments at any level in these flows.
	 */
	static final List<String> REDIS_LOGGERS_THAT_LEAK_BELOW_INFO = List.of("io.lettuce.core.protocol.CommandEncoder",
			"io.lettuce.core.protocol.CommandHandler");

	/** Loggers set to TRACE during the flow. */
	static final List<String> TRACED_LOGGERS = List.of("io.github.sasredis", "org.springframework.security",
			"io.lettuce.core", "org.springframework.data.redis");

	static final List<String> LOGGERS_KEPT_AT_INFO = Stream
		.concat(SECURITY_LOGGERS_THAT_LEAK_BELOW_INFO.stream(), REDIS_LOGGERS_THAT_LEAK_BELOW_INFO.stream())
		.toList();

	private static final List<String> CLIENT_IDS = List.of("rotating-client", "reusing-client", "consenting-client");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern LOG_LINE = Pattern.compile("^\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s.*?\\s(\\S+)\\s+: ");

	/** Lettuce's loggers as Boot's console pattern prints them, with abbreviated packages. */
	private static final Pattern LETTUCE_LOGGER = Pattern.compile("(io|i)\\.(lettuce|l)\\..*");

	private static final SecureRandom RANDOM = new SecureRandom();

	@Autowired
	LoggingSystem loggingSystem;

	static Map<String, String> badTokens() {
		byte[] big = new byte[15_360];
		RANDOM.nextBytes(big);
		String twentyKilobytes = Base64.getUrlEncoder().withoutPadding().encodeToString(big) + "x".repeat(20);
		Map<String, String> tokens = new LinkedHashMap<>();
		tokens.put("empty", "");
		tokens.put("blank", "   ");
		tokens.put("20 kB", twentyKilobytes);
		tokens.put("non-ASCII", "tökén-日本語-🔑-" + "\u202e" + "é");
		tokens.put("NUL bytes", "\u0000abc\u0000\u0000def\u0000");
		tokens.put("only NUL", "\u0000");
		tokens.put("control characters", "a\r\nb\tc\u0007");
		tokens.put("unsigned JWT", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIn0.");
		tokens.put("digest placeholder", "{digest}" + "A".repeat(43));
		tokens.put("Redis glob", "*");
		tokens.put("Redis key", "oauth2:token:*");
		tokens.put("lookup-like", "x\noauth2:authorization:1");
		tokens.put("percent", "%zz%");
		tokens.put("lone surrogate", "ab\ud800cd");
		return tokens;
	}

	/** Bodies that are valid form encoding but not what the endpoint expects. */
	static Map<String, byte[]> unusualBodies(String parameter) {
		Map<String, byte[]> bodies = new LinkedHashMap<>();
		bodies.put("parameter twice", (parameter + "=a&" + parameter + "=b").getBytes(StandardCharsets.US_ASCII));
		bodies.put("parameter missing", "nothing=here".getBytes(StandardCharsets.US_ASCII));
		bodies.put("no value", parameter.getBytes(StandardCharsets.US_ASCII));
		return bodies;
	}

	/** Bodies sent as raw bytes that are not valid form encoding or not UTF-8. */
	static Map<String, byte[]> malformedBodies(String parameter) {
		Map<String, byte[]> bodies = new LinkedHashMap<>();
		bodies.put("malformed percent-encoding", (parameter + "=%zz%4").getBytes(StandardCharsets.US_ASCII));
		bodies.put("percent-encoded bytes that are not UTF-8",
				(parameter + "=%FF%FE%C3%28").getBytes(StandardCharsets.US_ASCII));
		byte[] prefix = (parameter + "=").getBytes(StandardCharsets.US_ASCII);
		byte[] raw = new byte[prefix.length + 4];
		System.arraycopy(prefix, 0, raw, 0, prefix.length);
		raw[prefix.length] = (byte) 0xC3;
		raw[prefix.length + 1] = (byte) 0x28;
		raw[prefix.length + 2] = 0;
		raw[prefix.length + 3] = (byte) 0xFF;
		bodies.put("raw bytes that are not UTF-8", raw);
		return bodies;
	}

	@Test
	void refreshRevokeAndIntrospectWhenBadTokensThenOAuth2AnswersNever5xx() {
		OAuth2HttpClient client = rotatingClient();
		TokenResponse live = client.authorizationCodeFlow(USER, PASSWORD, "openid read");
		Map<String, String> tokens = new LinkedHashMap<>(badTokens());
		tokens.put("live refresh token with a NUL", live.refreshToken() + "\u0000");
		tokens.put("live refresh token with a space", live.refreshToken() + " ");
		tokens.put("live refresh token cut", live.refreshToken().substring(1));
		tokens.put("live refresh token in other case", live.refreshToken().toUpperCase());
		tokens.put("live access token with a NUL", live.accessToken() + "\u0000");
		List<String> problems = new ArrayList<>();
		tokens.forEach((name, token) -> {
			boolean missing = token.isBlank() && !token.contains("\u0000");
			TokenResponse refreshed = client.refresh(token);
			check(problems, "refresh with " + name, refreshed.status() == 400 && refreshed.error() != null
					&& (missing ? "invalid_request" : "invalid_grant").equals(refreshed.error()),
					refreshed.status() + " " + refreshed.json());
			for (String hint : new String[] { null, "refresh_token", "access_token" }) {
				Response revoked = client.revoke(token, hint);
				check(problems, "revoke (hint " + hint + ") with " + name,
						missing ? isError(revoked, 400, "invalid_request") : revoked.status() == 200,
						revoked.status() + " " + revoked.body());
			}
			Response introspected = client.post(client.baseUrl() + "/oauth2/introspect", client.basicAuthorization(),
					Map.of("token", token));
			check(problems, "introspect with " + name,
					missing ? isError(introspected, 400, "invalid_request")
							: introspected.status() == 200 && introspected.body().equals("{\"active\":false}"),
					introspected.status() + " " + introspected.body());
		});
		unusualBodies("refresh_token").forEach((name, body) -> {
			byte[] form = concat("grant_type=refresh_token&".getBytes(StandardCharsets.US_ASCII), body);
			Response refreshed = client.postRawForm("/oauth2/token", form);
			check(problems, "refresh with " + name, isError(refreshed, 400, "invalid_request"),
					refreshed.status() + " " + refreshed.body());
		});
		unusualBodies("token").forEach((name, body) -> {
			Response revoked = client.postRawForm("/oauth2/revoke", body);
			check(problems, "revoke with " + name, isError(revoked, 400, "invalid_request"),
					revoked.status() + " " + revoked.body());
			Response introspected = client.postRawForm("/oauth2/introspect", body);
			check(problems, "introspect with " + name, isError(introspected, 400, "invalid_request"),
					introspected.status() + " " + introspected.body());
		});
		assertThat(problems).as("answers that are not the OAuth2 ones").isEmpty();
		assertThat(this.revokedEvents.all()).as("nothing was taken as reuse").isEmpty();
		TokenResponse refreshed = client.refresh(live.refreshToken());
		assertThat(refreshed.status()).as("the live grant was not disturbed").isEqualTo(200);
	}

	/**
	 * Bodies that are not valid form encoding: Tomcat throws {@code InvalidParameterException} when Spring
	 * Security's filters read the parameters, and the starter's {@code OAuth2ErrorResponseFilter}, in front of Spring
	 * Security, answers 400 {@code invalid_request}. Checked without and with a logged-in browser session: before
	 * that filter, the exception reached Boot's {@code /error}, which answered each differently (a redirect to the
	 * login page without a session, Boot's {@code "Bad Request"} body with one).
	 */
	@Test
	void refreshRevokeAndIntrospectWhenBodyNotFormEncodedThenOAuth2InvalidRequest() {
		OAuth2HttpClient withoutSession = rotatingClient();
		OAuth2HttpClient withSession = rotatingClient();
		withSession.authorizationCodeFlow(USER, PASSWORD, "read");
		List<String> problems = new ArrayList<>();
		for (OAuth2HttpClient client : List.of(withoutSession, withSession)) {
			String session = (client == withSession) ? " (with a session)" : " (without a session)";
			forEachMalformedRequest(client, (what, response) -> check(problems, what + session,
					isError(response, 400, "invalid_request"), response.status() + " " + response.location() + " "
							+ response.body()));
		}
		assertThat(problems).as("answers that are not the OAuth2 ones").isEmpty();
	}

	private static void forEachMalformedRequest(OAuth2HttpClient client, BiConsumer<String, Response> check) {
		malformedBodies("refresh_token").forEach((name, body) -> check.accept("refresh with " + name,
				client.postRawForm("/oauth2/token",
						concat("grant_type=refresh_token&".getBytes(StandardCharsets.US_ASCII), body))));
		malformedBodies("token").forEach((name, body) -> {
			check.accept("revoke with " + name, client.postRawForm("/oauth2/revoke", body));
			check.accept("introspect with " + name, client.postRawForm("/oauth2/introspect", body));
		});
	}

	@Test
	void everyFlowWhenLoggedAtTraceThenNoSecretNoDigestAndUserIdsCut(CapturedOutput output) {
		TRACED_LOGGERS.forEach((name) -> this.loggingSystem.setLogLevel(name, LogLevel.TRACE));
		LOGGERS_KEPT_AT_INFO.forEach((name) -> this.loggingSystem.setLogLevel(name, LogLevel.INFO));
		Set<String> principals = new TreeSet<>();
		List<String> secrets;
		try {
			secrets = runEveryFlow(LONG_USER, (step, sent) -> principals.addAll(principalNamesInRedis()));
			// reuse detection: a rotated-out refresh token presented again logs a WARN naming the user
			OAuth2HttpClient client = rotatingClient();
			TokenResponse issued = client.authorizationCodeFlow(LONG_USER, PASSWORD, "openid read");
			TokenResponse rotated = client.refresh(issued.refreshToken());
			assertThat(rotated.status()).isEqualTo(200);
			principals.addAll(principalNamesInRedis());
			assertThat(client.refresh(issued.refreshToken()).error()).isEqualTo("invalid_grant");
			assertThat(client.refresh(rotated.refreshToken()).error()).isEqualTo("invalid_grant");
			secrets.addAll(List.of(issued.code(), issued.accessToken(), issued.refreshToken(), issued.idToken(),
					rotated.accessToken(), rotated.refreshToken(), rotated.idToken()));
			// a device flow in a fresh browser, which logs in from the verification page
			OAuth2HttpClient browser = rotatingClient();
			Response device = browser.deviceAuthorization("read");
			String userCode = device.json().get("user_code").asString();
			secrets.addAll(List.of(device.json().get("device_code").asString(), userCode));
			Response verified = browser.browseLoggingIn(
					device.json().get("verification_uri_complete").asString(), LONG_USER, PASSWORD);
			assertThat(verified.location()).as("consent given in the flows above").endsWith("/?success");
			TokenResponse deviceTokens = browser.deviceToken(device.json().get("device_code").asString());
			assertThat(deviceTokens.status()).isEqualTo(200);
			secrets.addAll(List.of(deviceTokens.accessToken(), deviceTokens.refreshToken()));
			principals.addAll(principalNamesInRedis());
			// and bad input
			badTokens().values().forEach((token) -> {
				client.refresh(token);
				client.revoke(token, "refresh_token");
			});
		}
		finally {
			TRACED_LOGGERS.forEach((name) -> this.loggingSystem.setLogLevel(name, null));
			LOGGERS_KEPT_AT_INFO.forEach((name) -> this.loggingSystem.setLogLevel(name, null));
		}
		String log = output.getAll();
		assertThat(log).contains("Refresh token reuse detected for user alexande... (client rotating-client");

		TokenDigester digester = TokenDigester.sha256();
		Map<String, String> forbidden = new LinkedHashMap<>();
		for (String secret : forms(secrets)) {
			forbidden.put(secret, "secret");
			forbidden.put(digester.digest(secret), "digest");
		}
		// no more than the first 8 characters of a principal name: checked as its first 9
		List<String> longPrincipals = principals.stream().filter((name) -> name.length() > 8).toList();
		assertThat(longPrincipals).as("principal names of the flow longer than 8 characters")
			.contains(LONG_USER, "rotating-client");
		Leaks leaks = new Leaks();
		String level = "INFO";
		String logger = "?";
		boolean lettuceBelowInfo = false;
		for (String line : log.split("\\R")) {
			Matcher parsed = LOG_LINE.matcher(line);
			if (parsed.find()) {
				level = parsed.group(1);
				logger = parsed.group(2);
				lettuceBelowInfo |= (level.equals("TRACE") || level.equals("DEBUG"))
						&& LETTUCE_LOGGER.matcher(logger).matches();
			}
			for (Map.Entry<String, String> entry : forbidden.entrySet()) {
				if (line.contains(entry.getKey())) {
					leaks.add(level + " " + logger + " logs a " + entry.getValue(),
							line.replace(entry.getKey(), "<" + entry.getValue() + ">"));
				}
			}
			boolean infoOrHigher = level.equals("INFO") || level.equals("WARN") || level.equals("ERROR");
			if (infoOrHigher) {
				// a client id may be named in full as the client, though it is also the principal of its client
				// credentials grants
				String checked = line;
				for (String clientId : CLIENT_IDS) {
					checked = checked.replace("client " + clientId, "client <client id>");
				}
				for (String principal : longPrincipals) {
					if (checked.contains(principal.substring(0, 9))) {
						leaks.add(level + " " + logger + " logs more than 8 characters of a principal name", line);
					}
				}
			}
		}
		assertThat(lettuceBelowInfo).as("Lettuce logged below INFO").isTrue();
		assertThat(leaks.found()).as("log lines that leak").isEmpty();
	}

	/**
	 * Returns the principal names of the authorizations in Redis, read from their documents.
	 */
	private Set<String> principalNamesInRedis() {
		Set<String> names = new TreeSet<>();
		for (String key : this.redis.scanAllKeys()) {
			if (key.startsWith("oauth2:authorization:")) {
				String document = this.redis.document(key);
				if (document != null) {
					names.add(JSON.readTree(document).get("principal").asString());
				}
			}
		}
		return names;
	}

	/**
	 * Log lines that leak, grouped by level, logger and what they leak, with the count and the first line of each
	 * group (its secret replaced by a placeholder).
	 */
	private static final class Leaks {

		private final Map<String, Integer> counts = new LinkedHashMap<>();

		private final Map<String, String> examples = new LinkedHashMap<>();

		void add(String what, String line) {
			this.counts.merge(what, 1, Integer::sum);
			this.examples.putIfAbsent(what, abbreviate(line));
		}

		List<String> found() {
			return this.counts.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + " (" + entry.getValue() + " lines), first: "
						+ this.examples.get(entry.getKey()))
				.toList();
		}

	}

	private static boolean isError(Response response, int status, String error) {
		if (response.status() != status) {
			return false;
		}
		try {
			// an OAuth2 error code (RFC 6749, 5.2), not for example Boot's "Bad Request"
			String code = response.json().get("error").asString();
			return (error != null) ? error.equals(code) : code.matches("[a-z_]+");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static void check(List<String> problems, String what, boolean ok, String answer) {
		if (!ok) {
			problems.add(what + " → " + abbreviate(answer));
		}
	}

	private static String abbreviate(String text) {
		return (text.length() > 400) ? text.substring(0, 400) + "..." : text;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = new byte[first.length + second.length];
		System.arraycopy(first, 0, both, 0, first.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

}
