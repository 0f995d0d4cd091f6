package io.github.sasredis.actuate.endpoint;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.sasredis.actuate.TestAuthorizations.Issued;
import io.github.sasredis.store.RefreshTokenRecord;
import io.github.sasredis.store.RefreshTokenRegistry;
import io.github.sasredis.test.RedisTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code {user}} over real HTTP is one exact principal name: characters that are patterns to Redis
 * ({@code * ? [ ]}) or separators in key names ({@code :}) match nothing but themselves, however the path segment
 * is encoded. Names that the servlet container or Spring Security's {@code StrictHttpFirewall} refuse in a path
 * ({@code \ / % ; .}) are answered 400 before the endpoint, and touch nobody's tokens; every name, these too, can
 * be given as the query parameter {@code user} instead.
 */
class RefreshTokensEndpointUserNameTests extends RefreshTokensHttpTestSupport {

	/** Users and how many refresh tokens each gets. */
	private static final Map<String, Integer> USERS = users();

	@Autowired
	private RefreshTokenRegistry registry;

	private final Map<String, List<Issued>> issued = new LinkedHashMap<>();

	@BeforeEach
	void issueTokens() {
		try (RedisTestClient redis = RedisTestClient.shared()) {
			redis.flushAll();
		}
		USERS.forEach((user, count) -> {
			List<Issued> tokens = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				tokens.add(issue(user));
			}
			this.issued.put(user, tokens);
		});
	}

	@ParameterizedTest(name = "{0} as /{1}")
	@MethodSource("names")
	void refreshTokensWhenUserNameHasPatternCharactersThenListsOnlyThatUsersTokens(String user, String segment) {
		Response response = get("/actuator/refreshtokens/" + segment);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("user_id").asString()).isEqualTo(user);
		assertThat(authorizationIds(response)).containsExactlyInAnyOrderElementsOf(idsOf(user));
	}

	@ParameterizedTest(name = "{0} as /{1}")
	@MethodSource("names")
	void revokeRefreshTokensWhenUserNameHasPatternCharactersThenRevokesOnlyThatUsersTokens(String user,
			String segment) {
		Response response = delete("/actuator/refreshtokens/" + segment);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("revoked").asInt()).isEqualTo(USERS.get(user));
		for (String other : USERS.keySet()) {
			List<String> expected = other.equals(user) ? List.of() : idsOf(other);
			assertThat(registryIds(other)).as("tokens of %s", other).containsExactlyInAnyOrderElementsOf(expected);
		}
		for (Issued token : this.issued.get(user)) {
			assertThat(refresh(token.refreshToken()).status()).isEqualTo(400);
		}
	}

	@Test
	void revokeRefreshTokenWhenJtiBelongsToAUserThePatternWouldMatchThenNotFound() {
		String jtiOfUser = this.registry.findByUser("user").get(0).jti();

		Response star = delete("/actuator/refreshtokens/*/" + jtiOfUser);
		Response prefix = delete("/actuator/refreshtokens/u*/" + jtiOfUser);
		Response question = delete("/actuator/refreshtokens/%3Fser/" + jtiOfUser);
		Response brackets = delete("/actuator/refreshtokens/%5Bu%5Dser/" + jtiOfUser);

		assertThat(List.of(star.status(), prefix.status(), question.status(), brackets.status())).containsOnly(404);
		assertThat(registryIds("user")).containsExactlyInAnyOrderElementsOf(idsOf("user"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "%5C", "u%5Cser", "%2F", "u%2Fser", "%25", "%3Bser", "%2E", "%2E%2E" })
	void revokeRefreshTokensWhenPathSegmentIsRefusedByContainerOrFirewallThenBadRequestAndNothingRevoked(
			String segment) {
		Response list = get("/actuator/refreshtokens/" + segment);
		Response revokeAll = delete("/actuator/refreshtokens/" + segment);

		assertThat(list.status()).isEqualTo(400);
		assertThat(revokeAll.status()).isEqualTo(400);
		for (String user : USERS.keySet()) {
			assertThat(registryIds(user)).as("tokens of %s", user).containsExactlyInAnyOrderElementsOf(idsOf(user));
		}
	}

	static Stream<String> everyUser() {
		return USERS.keySet().stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyUser")
	void refreshTokensWhenUserGivenAsQueryParameterThenAnyNameListsOnlyThatUsersTokens(String user) {
		Response response = get("/actuator/refreshtokens?user=" + query(user));

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("user_id").asString()).isEqualTo(user);
		assertThat(authorizationIds(response)).containsExactlyInAnyOrderElementsOf(idsOf(user));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyUser")
	void revokeRefreshTokensWhenUserGivenAsQueryParameterThenRevokesOneThenAllOfThatUserOnly(String user) {
		List<Issued> tokens = this.issued.get(user);
		String jti = this.registry.findByUser(user).get(0).jti();
		String otherUsersJti = this.registry.findByUser(user.equals("user") ? "*" : "user").get(0).jti();

		Response notTheirs = delete("/actuator/refreshtokens?user=" + query(user) + "&jti=" + otherUsersJti);
		Response one = delete("/actuator/refreshtokens?user=" + query(user) + "&jti=" + jti);
		Response all = delete("/actuator/refreshtokens?user=" + query(user));

		assertThat(notTheirs.status()).isEqualTo(404);
		assertThat(one.status()).isEqualTo(200);
		assertThat(one.json().get("revoked").asInt()).isEqualTo(1);
		assertThat(all.status()).isEqualTo(200);
		assertThat(all.json().get("revoked").asInt()).isEqualTo(tokens.size() - 1);
		for (String other : USERS.keySet()) {
			List<String> expected = other.equals(user) ? List.of() : idsOf(other);
			assertThat(registryIds(other)).as("tokens of %s", other).containsExactlyInAnyOrderElementsOf(expected);
		}
		for (Issued token : tokens) {
			assertThat(refresh(token.refreshToken()).status()).isEqualTo(400);
		}
	}

	@Test
	void refreshTokensWhenNeitherPathNorQueryNamesAUserThenBadRequest() {
		assertThat(get("/actuator/refreshtokens").status()).isEqualTo(400);
		assertThat(delete("/actuator/refreshtokens").status()).isEqualTo(400);
		assertThat(delete("/actuator/refreshtokens?user=user&jti=" + query("a:b")).status()).isEqualTo(400);
		assertThat(registryIds("user")).containsExactlyInAnyOrderElementsOf(idsOf("user"));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "?user=user&user=user", "?user=user&user=*", "?user=user&user=", "?user=", "?user=%20",
			"/user?user=", "/user?user=user&user=user", "/user?user=%20%20" })
	void refreshTokensWhenUserIsRepeatedOrEmptyThenBadRequestWithReasonAndNothingRevoked(String path) {
		String jti = this.registry.findByUser("user").get(0).jti();

		List<Response> refused = List.of(get("/actuator/refreshtokens" + path),
				delete("/actuator/refreshtokens" + path),
				delete("/actuator/refreshtokens" + path + (path.contains("?") ? "&" : "?") + "jti=" + jti));

		for (Response response : refused) {
			assertThat(response.status()).as(response.body()).isEqualTo(400);
			assertThat(response.json().get("error").asString()).isEqualTo("invalid_request");
			assertThat(response.json().get("error_description").asString()).startsWith("The user ")
				.doesNotContain("user,");
		}
		for (String user : USERS.keySet()) {
			assertThat(registryIds(user)).as("tokens of %s", user).containsExactlyInAnyOrderElementsOf(idsOf(user));
		}
	}

	@Test
	void revokeRefreshTokenWhenJtiIsRepeatedOrUnknownThenRefusedWithReasonButNeverTheValue() {
		String jti = this.registry.findByUser("user").get(0).jti();

		Response repeated = delete("/actuator/refreshtokens?user=user&jti=" + jti + "&jti=" + jti);
		Response empty = delete("/actuator/refreshtokens/user/" + jti + "?jti=");
		Response unknown = delete("/actuator/refreshtokens/user/" + "A".repeat(22));

		for (Response response : List.of(repeated, empty)) {
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.json().get("error").asString()).isEqualTo("invalid_request");
			assertThat(response.body()).doesNotContain(jti);
		}
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.json().get("error").asString()).isEqualTo("not_found");
		assertThat(registryIds("user")).containsExactlyInAnyOrderElementsOf(idsOf("user"));
	}

	@Test
	void revokeRefreshTokensThenTheAnswerNamesTheUserItActedOn() {
		String jti = this.registry.findByUser("u*").get(0).jti();

		Response one = delete("/actuator/refreshtokens/user?user=" + query("u*") + "&jti=" + jti);
		Response all = delete("/actuator/refreshtokens/user?user=" + query("u*"));

		assertThat(one.status()).isEqualTo(200);
		assertThat(one.json().get("user_id").asString()).isEqualTo("u*");
		assertThat(one.json().get("revoked").asInt()).isEqualTo(1);
		assertThat(all.json().get("user_id").asString()).isEqualTo("u*");
		assertThat(all.json().get("revoked").asInt()).isEqualTo(1);
		assertThat(registryIds("user")).containsExactlyInAnyOrderElementsOf(idsOf("user"));
	}

	@Test
	void revokeRefreshTokensWhenPathNamesTheUserAndQueryAJtiThenRevokesOnlyThatToken() {
		String jti = this.registry.findByUser("user").get(0).jti();

		Response one = delete("/actuator/refreshtokens/user?jti=" + jti);

		assertThat(one.status()).isEqualTo(200);
		assertThat(one.json().get("revoked").asInt()).isEqualTo(1);
		assertThat(this.registry.findByUser("user")).hasSize(1).noneMatch((token) -> token.jti().equals(jti));
	}

	private static String query(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	static Stream<Arguments> names() {
		return Stream.of(Arguments.of("user", "user"), Arguments.of("*", "*"), Arguments.of("*", "%2A"),
				Arguments.of("u*", "u*"), Arguments.of("u*", "u%2A"), Arguments.of("?ser", "%3Fser"),
				Arguments.of("[u]ser", "%5Bu%5Dser"), Arguments.of(":", ":"), Arguments.of(":", "%3A"),
				Arguments.of("u:ser", "u:ser"), Arguments.of("u ser", "u%20ser"),
				Arguments.of("us\u00e9r", "us%C3%A9r"));
	}

	private static Map<String, Integer> users() {
		Map<String, Integer> users = new LinkedHashMap<>();
		users.put("user", 2);
		users.put("*", 1);
		users.put("u*", 2);
		users.put("?ser", 1);
		users.put("[u]ser", 1);
		users.put(":", 1);
		users.put("u:ser", 1);
		users.put("u ser", 1);
		users.put("us\u00e9r", 1);
		// not addressable over HTTP with the default container and firewall, but must stay untouched
		users.put("\\", 1);
		users.put("u\\ser", 1);
		users.put("u/ser", 1);
		users.put("%", 1);
		return users;
	}

	private List<String> idsOf(String user) {
		return this.issued.get(user).stream().map(Issued::id).toList();
	}

	private List<String> registryIds(String user) {
		return this.registry.findByUser(user).stream().map(RefreshTokenRecord::authorizationId).toList();
	}

	private static List<String> authorizationIds(Response listing) {
		return listing.json()
			.get("tokens")
			.valueStream()
			.map((token) -> token.get("authorization_id").asString())
			.toList();
	}

}
