package io.github.sasredis.actuate.endpoint;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.sasredis.actuate.RefreshTokensTestApplication;
import io.github.sasredis.actuate.TestAuthorizations;
import io.github.sasredis.actuate.TestAuthorizations.Issued;
import io.github.sasredis.actuate.audit.RefreshTokenRevocationAuditListener;
import io.github.sasredis.actuate.metrics.MicrometerStoreOperationListener;
import io.github.sasredis.actuate.metrics.RefreshTokenRevocationMetrics;
import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.test.RedisTestClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code refreshtokens} endpoint over real HTTP, on a real authorization server and a real Redis: what it
 * lists, what revoking does to the grant (refresh refused, access token inactive, keys gone), status codes, audit
 * events and meters.
 */
class RefreshTokensEndpointWebIntegrationTests extends RefreshTokensHttpTestSupport {

	private static final TokenDigester DIGESTER = TokenDigester.sha256();

	private final RedisTestClient redis = RedisTestClient.shared();

	@Autowired
	private AuditEventRepository auditEvents;

	@Autowired
	private MeterRegistry meterRegistry;

	private String user;

	private String otherUser;

	@BeforeEach
	void users() {
		String suffix = UUID.randomUUID().toString();
		this.user = "alice-" + suffix;
		this.otherUser = "bob-" + suffix;
	}

	@AfterEach
	void closeRedis() {
		this.redis.close();
	}

	@Test
	void refreshTokensWhenUserHasTokensThenListsThemOldestFirstInSnakeCase() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		Issued newer = save(TestAuthorizations.issue(client(), this.user, now));
		Issued older = save(TestAuthorizations.issue(client(), this.user, now.minusSeconds(60)));

		Response response = get("/actuator/refreshtokens/" + this.user);

		assertThat(response.status()).isEqualTo(200);
		JsonNode json = response.json();
		assertThat(fieldNames(json)).containsExactlyInAnyOrder("user_id", "tokens");
		assertThat(json.get("user_id").asString()).isEqualTo(this.user);
		JsonNode tokens = json.get("tokens");
		assertThat(tokens).hasSize(2);
		assertThat(fieldNames(tokens.get(0))).containsExactlyInAnyOrder("jti", "client_id", "authorization_id",
				"created_at", "expires_at", "scopes");
		assertThat(tokens.get(0).get("authorization_id").asString()).isEqualTo(older.id());
		assertThat(tokens.get(0).get("created_at").asString()).isEqualTo(now.minusSeconds(60).toString());
		assertThat(tokens.get(0).get("expires_at").asString())
			.isEqualTo(now.minusSeconds(60).plusSeconds(3600).toString());
		assertThat(tokens.get(1).get("authorization_id").asString()).isEqualTo(newer.id());
		assertThat(tokens.get(1).get("created_at").asString()).isEqualTo(now.toString());
		for (JsonNode token : tokens) {
			String jti = token.get("jti").asString();
			assertThat(jti).matches("[A-Za-z0-9_-]{22}");
			assertThat(this.redis.exists("refresh_token:" + this.user + ":" + jti)).isTrue();
			assertThat(token.get("client_id").asString()).isEqualTo(TestAuthorizations.CLIENT_ID);
			assertThat(token.get("scopes").toString()).isEqualTo("[\"read\"]");
		}
	}

	@Test
	void refreshTokensWhenUserHasNoneThenEmptyList() {
		issue(this.otherUser);

		Response response = get("/actuator/refreshtokens/" + this.user);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("user_id").asString()).isEqualTo(this.user);
		assertThat(response.json().get("tokens").isArray()).isTrue();
		assertThat(response.json().get("tokens")).isEmpty();
	}

	@Test
	void revokeRefreshTokenWhenTokenExistsThenWholeGrantIsRevoked() {
		Issued revoked = issue(this.user);
		Issued kept = issue(this.user);
		Issued othersToken = issue(this.otherUser);
		assertThat(introspect(revoked.accessToken()).json().get("active").asBoolean()).isTrue();
		Response refreshed = refresh(revoked.refreshToken());
		assertThat(refreshed.status()).isEqualTo(200);
		String newAccessToken = refreshed.json().get("access_token").asString();
		assertThat(introspect(newAccessToken).json().get("active").asBoolean()).isTrue();
		String jti = jtiOf(this.user, revoked.id());

		Response response = delete("/actuator/refreshtokens/" + this.user + "/" + jti);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"user_id\":\"" + this.user + "\",\"revoked\":1}");
		// Redis has acknowledged before the answer: nothing of that grant is left, not even a lookup key
		assertThat(this.redis.exists("refresh_token:" + this.user + ":" + jti)).isFalse();
		assertThat(this.redis.exists("oauth2:authorization:" + revoked.id())).isFalse();
		assertThat(this.redis.dumpAllKeysAndValues()).doesNotContain(revoked.id()).contains(kept.id(),
				othersToken.id());
		Response refusedRefresh = refresh(revoked.refreshToken());
		assertThat(refusedRefresh.status()).isEqualTo(400);
		assertThat(refusedRefresh.json().get("error").asString()).isEqualTo("invalid_grant");
		assertThat(introspect(newAccessToken).body()).isEqualTo("{\"active\":false}");
		assertThat(introspect(revoked.accessToken()).body()).isEqualTo("{\"active\":false}");
		assertThat(authorizationIds(get("/actuator/refreshtokens/" + this.user))).containsExactly(kept.id());
		assertThat(refresh(kept.refreshToken()).status()).isEqualTo(200);
		assertThat(refresh(othersToken.refreshToken()).status()).isEqualTo(200);
	}

	@Test
	void revokeRefreshTokenWhenUserHasNoSuchTokenThenNotFound() {
		Issued othersToken = issue(this.otherUser);
		String othersJti = jtiOf(this.otherUser, othersToken.id());

		Response unknown = delete("/actuator/refreshtokens/" + this.user + "/AAAAAAAAAAAAAAAAAAAAAA");
		Response anotherUsersJti = delete("/actuator/refreshtokens/" + this.user + "/" + othersJti);

		assertThat(unknown.status()).isEqualTo(404);
		assertThat(anotherUsersJti.status()).isEqualTo(404);
		assertThat(authorizationIds(get("/actuator/refreshtokens/" + this.otherUser)))
			.containsExactly(othersToken.id());
		assertThat(refresh(othersToken.refreshToken()).status()).isEqualTo(200);
	}

	@Test
	void revokeRefreshTokenWhenJtiIsMalformedThenBadRequest() {
		Issued issued = issue(this.user);

		List<Integer> statuses = new ArrayList<>();
		for (String jti : List.of("not*a*jti", "jti.with.dots", "%21bang", "with%20space", "a".repeat(65),
				"%C3%A9t%C3%A9")) {
			statuses.add(delete("/actuator/refreshtokens/" + this.user + "/" + jti).status());
		}

		assertThat(statuses).containsOnly(400);
		assertThat(authorizationIds(get("/actuator/refreshtokens/" + this.user))).containsExactly(issued.id());
	}

	@Test
	void revokeRefreshTokensWhenUserHasTokensThenAllRevokedAndOtherUsersUntouched() {
		List<Issued> revoked = List.of(issue(this.user), issue(this.user), issue(this.user));
		Issued othersToken = issue(this.otherUser);

		Response response = delete("/actuator/refreshtokens/" + this.user);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"user_id\":\"" + this.user + "\",\"revoked\":3}");
		String dump = this.redis.dumpAllKeysAndValues();
		for (Issued issued : revoked) {
			assertThat(dump).doesNotContain(issued.id());
			assertThat(refresh(issued.refreshToken()).json().get("error").asString()).isEqualTo("invalid_grant");
			assertThat(introspect(issued.accessToken()).json().get("active").asBoolean()).isFalse();
		}
		assertThat(get("/actuator/refreshtokens/" + this.user).json().get("tokens")).isEmpty();
		assertThat(authorizationIds(get("/actuator/refreshtokens/" + this.otherUser)))
			.containsExactly(othersToken.id());
		assertThat(introspect(othersToken.accessToken()).json().get("active").asBoolean()).isTrue();
		assertThat(refresh(othersToken.refreshToken()).status()).isEqualTo(200);
	}

	@Test
	void revokeRefreshTokensWhenUserHasNoneThenZeroRevoked() {
		issue(this.otherUser);

		Response response = delete("/actuator/refreshtokens/" + this.user);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"user_id\":\"" + this.user + "\",\"revoked\":0}");
		assertThat(get("/actuator/refreshtokens/" + this.otherUser).json().get("tokens")).hasSize(1);
	}

	@Test
	void endpointWhenListingAndRevokingThenNoResponseContainsTokenValueOrDigest() {
		Issued first = issue(this.user);
		Issued second = issue(this.user);
		List<String> secrets = new ArrayList<>();
		for (Issued issued : List.of(first, second)) {
			secrets.add(issued.accessToken());
			secrets.add(issued.refreshToken());
			secrets.add(DIGESTER.digest(issued.accessToken()));
			secrets.add(DIGESTER.digest(issued.refreshToken()));
		}

		List<String> bodies = new ArrayList<>();
		bodies.add(get("/actuator/refreshtokens/" + this.user).body());
		bodies.add(delete("/actuator/refreshtokens/" + this.user + "/" + jtiOf(this.user, first.id())).body());
		bodies.add(delete("/actuator/refreshtokens/" + this.user).body());

		assertThat(bodies.get(0)).contains(first.id(), second.id());
		for (String body : bodies) {
			for (String secret : secrets) {
				assertThat(body).doesNotContain(secret);
			}
		}
	}

	@Test
	void revokeRefreshTokenWhenOperatorIsAuthenticatedThenAuditedWithOperatorName() {
		Issued issued = issue(this.user);
		String jti = jtiOf(this.user, issued.id());
		Instant before = Instant.now().minusSeconds(1);

		Response response = deleteAs(RefreshTokensTestApplication.OPERATOR,
				RefreshTokensTestApplication.OPERATOR_PASSWORD, "/actuator/refreshtokens/" + this.user + "/" + jti);

		assertThat(response.status()).isEqualTo(200);
		AuditEvent event = auditEventOf(this.user, before);
		assertThat(event.getPrincipal()).isEqualTo(RefreshTokensTestApplication.OPERATOR);
		assertThat(event.getData()).containsEntry("user_id", this.user)
			.containsEntry("jtis", List.of(jti))
			.containsEntry("client_ids", List.of(TestAuthorizations.CLIENT_ID))
			.containsEntry("cause", "ops");
		assertThat(event.toString()).doesNotContain(issued.refreshToken(), issued.accessToken());
	}

	@Test
	void revokeRefreshTokensWhenNobodyIsAuthenticatedThenAuditedAsAnonymous() {
		issue(this.user);
		issue(this.user);
		List<String> jtis = get("/actuator/refreshtokens/" + this.user).json()
			.get("tokens")
			.valueStream()
			.map((token) -> token.get("jti").asString())
			.toList();
		Instant before = Instant.now().minusSeconds(1);

		assertThat(delete("/actuator/refreshtokens/" + this.user).status()).isEqualTo(200);

		AuditEvent event = auditEventOf(this.user, before);
		assertThat(event.getPrincipal()).isEqualTo(RefreshTokenRevocationAuditListener.ANONYMOUS);
		assertThat(event.getData()).containsEntry("jtis", jtis).containsEntry("cause", "ops");
	}

	@Test
	void oauth2RevokeWhenClientRevokesRefreshTokenThenAuditedAsClientWithCauseRfc7009() {
		Issued issued = issue(this.user);
		String jti = jtiOf(this.user, issued.id());
		double revoked = counter(RefreshTokenRevocationMetrics.REVOKED, "cause", "rfc7009");
		Instant before = Instant.now().minusSeconds(1);

		assertThat(revokeAtAuthorizationServer(issued.refreshToken()).status()).isEqualTo(200);

		AuditEvent event = auditEventOf(this.user, before);
		assertThat(event.getPrincipal()).isEqualTo(TestAuthorizations.CLIENT_ID);
		assertThat(event.getData()).containsEntry("jtis", List.of(jti)).containsEntry("cause", "rfc7009");
		assertThat(counter(RefreshTokenRevocationMetrics.REVOKED, "cause", "rfc7009")).isEqualTo(revoked + 1);
		assertThat(get("/actuator/refreshtokens/" + this.user).json().get("tokens")).isEmpty();
	}

	@Test
	void revokeRefreshTokenWhenRevokedThenMetersRecordIt() {
		double stored = counter(MicrometerStoreOperationListener.STORED);
		long saves = timerCount("save");
		Issued issued = issue(this.user);
		assertThat(counter(MicrometerStoreOperationListener.STORED)).isEqualTo(stored + 1);
		assertThat(timerCount("save")).isEqualTo(saves + 1);
		double revoked = counter(RefreshTokenRevocationMetrics.REVOKED, "cause", "ops");
		long revokes = timerCount("revoke");

		delete("/actuator/refreshtokens/" + this.user + "/" + jtiOf(this.user, issued.id()));

		assertThat(counter(RefreshTokenRevocationMetrics.REVOKED, "cause", "ops")).isEqualTo(revoked + 1);
		assertThat(timerCount("revoke")).isEqualTo(revokes + 1);
	}

	private Issued save(Issued issued) {
		this.authorizationService.save(issued.authorization());
		return issued;
	}

	private String jtiOf(String user, String authorizationId) {
		for (JsonNode token : get("/actuator/refreshtokens/" + user).json().get("tokens")) {
			if (token.get("authorization_id").asString().equals(authorizationId)) {
				return token.get("jti").asString();
			}
		}
		throw new AssertionError("No refresh token of authorization " + authorizationId + " listed for " + user);
	}

	private static List<String> authorizationIds(Response listing) {
		assertThat(listing.status()).isEqualTo(200);
		return listing.json()
			.get("tokens")
			.valueStream()
			.map((token) -> token.get("authorization_id").asString())
			.toList();
	}

	private static List<String> fieldNames(JsonNode node) {
		return new ArrayList<>(node.propertyNames());
	}

	private AuditEvent auditEventOf(String user, Instant after) {
		List<AuditEvent> events = this.auditEvents
			.find(null, after, RefreshTokenRevocationAuditListener.REFRESH_TOKENS_REVOKED)
			.stream()
			.filter((event) -> user.equals(event.getData().get("user_id")))
			.toList();
		assertThat(events).hasSize(1);
		return events.get(0);
	}

	private double counter(String name, String... tags) {
		Counter counter = this.meterRegistry.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private long timerCount(String operation) {
		Timer timer = this.meterRegistry.find(MicrometerStoreOperationListener.OPERATIONS)
			.tags("operation", operation, "outcome", "success", "exception", "none")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

}
