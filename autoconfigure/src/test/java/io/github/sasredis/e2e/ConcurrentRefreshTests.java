package io.github.sasredis.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.sasredis.autoconfigure.SasRedisProperties;
import io.github.sasredis.store.RevocationCause;
import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once rotation over real HTTP (issue 5, point 3): N requests fired at once with the same refresh token, for
 * a client with rotation ({@code reuse-refresh-tokens=false}), 8 and 32 at a time, 3 rounds each.
 * <ul>
 * <li>When all of them have read the grant before any saves (forced with the {@link EveryFlowTestServer.RaceGate}
 * right after their {@code findByToken}), the version check rejects all but one with {@code invalid_grant}, and the
 * grant survives: one record key, and the winner's refresh token works.</li>
 * <li>Fired as they come (no gate), exactly one succeeds and the others get {@code 400 invalid_grant}, never a 5xx.
 * A request that arrives after the winner saved presents a rotated-out token, which is reuse (RFC 9700): the grant is
 * revoked, and then the winner's new refresh token is refused too. Either way Redis holds one consistent state: the
 * grant with one record and one refresh token, or nothing of it.</li>
 * <li>With a rotation grace period, late requests within the window are accepted and rotate again, so more than one
 * may succeed (as the issue allows); the rest still get {@code invalid_grant}, and the state stays consistent.</li>
 * </ul>
 * The observed counts are printed with the prefix {@code [concurrent-refresh]}.
 */
class ConcurrentRefreshTests extends EveryFlowTestSupport {

	private static final int ROUNDS = 3;

	@Autowired
	SasRedisProperties properties;

	@ParameterizedTest(name = "{0} concurrent requests")
	@ValueSource(ints = { 8, 32 })
	void refreshWhenAllReadBeforeAnySavesThenExactlyOneWinsAndGrantSurvives(int requests) throws Exception {
		for (int round = 1; round <= ROUNDS; round++) {
			this.redis.flushAll();
			OAuth2HttpClient client = rotatingClient();
			TokenResponse issued = client.authorizationCodeFlow(USER, PASSWORD, "openid read");
			this.revokedEvents.clear();
			this.raceGate.arm(requests);
			Outcome outcome;
			try {
				outcome = race(client, issued.refreshToken(), requests);
			}
			finally {
				this.raceGate.disarm();
			}
			report("gated", requests, round, outcome);
			outcome.assertExactlyOneWinnerAndOthersInvalidGrant();
			assertThat(outcome.reuseEvents()).isZero();
			assertGrantSurvivesWith(client, outcome.winners().get(0));
		}
	}

	@ParameterizedTest(name = "{0} concurrent requests")
	@ValueSource(ints = { 8, 32 })
	void refreshWhenFiredAtOnceThenExactlyOneWinsOthersInvalidGrantAndStateConsistent(int requests)
			throws Exception {
		for (int round = 1; round <= ROUNDS; round++) {
			this.redis.flushAll();
			OAuth2HttpClient client = rotatingClient();
			TokenResponse issued = client.authorizationCodeFlow(USER, PASSWORD, "openid read");
			this.revokedEvents.clear();
			Outcome outcome = race(client, issued.refreshToken(), requests);
			report("ungated", requests, round, outcome);
			outcome.assertExactlyOneWinnerAndOthersInvalidGrant();
			if (outcome.reuseEvents() == 0) {
				// every loser raced the winner (read before it saved): the version check turned them away
				assertGrantSurvivesWith(client, outcome.winners().get(0));
			}
			else {
				// a loser came after the winner saved: its token was rotated out, which revokes the grant
				assertGrantGone(client, outcome.winners().get(0));
			}
		}
	}

	@ParameterizedTest(name = "{0} concurrent requests")
	@ValueSource(ints = { 8, 32 })
	void refreshWhenFiredAtOnceWithRotationGracePeriodThenLateRequestsMayRotateAgain(int requests)
			throws Exception {
		this.store.setRotationGracePeriod(Duration.ofSeconds(5));
		try {
			// one round: this documents the behaviour (as the issue allows) rather than proving a guarantee
			this.redis.flushAll();
			OAuth2HttpClient client = rotatingClient();
			TokenResponse issued = client.authorizationCodeFlow(USER, PASSWORD, "openid read");
			this.revokedEvents.clear();
			Outcome outcome = race(client, issued.refreshToken(), requests);
			report("grace 5s", requests, 1, outcome);
			assertThat(outcome.serverErrors()).isZero();
			assertThat(outcome.winners()).isNotEmpty();
			assertThat(outcome.winners().size() + outcome.invalidGrants()).isEqualTo(requests);
			List<String> records = recordKeys(USER);
			assertThat(records).hasSizeLessThanOrEqualTo(1);
			if (outcome.reuseEvents() == 0) {
				// the record names the refresh token of the last rotation, which works
				assertThat(records).hasSize(1);
				TokenDigester digester = TokenDigester.sha256();
				String current = outcome.winners()
					.stream()
					.map(TokenResponse::refreshToken)
					.filter((token) -> records.get(0).endsWith(":" + digester.jti(digester.digest(token))))
					.findFirst()
					.orElseThrow(() -> new AssertionError("the record is of none of the issued refresh tokens"));
				assertThat(client.refresh(current).status()).isEqualTo(200);
			}
			else {
				assertThat(records).isEmpty();
			}
		}
		finally {
			this.store.setRotationGracePeriod(this.properties.getRotationGracePeriod());
		}
	}

	private void assertGrantSurvivesWith(OAuth2HttpClient client, TokenResponse winner) {
		List<String> records = recordKeys(USER);
		assertThat(records).as("one record key").hasSize(1);
		TokenDigester digester = TokenDigester.sha256();
		assertThat(records.get(0)).as("the record is the winner's refresh token")
			.endsWith(":" + digester.jti(digester.digest(winner.refreshToken())));
		assertThat(this.redis.scanAllKeys().stream().filter((key) -> key.startsWith("oauth2:authorization:")))
			.as("one grant")
			.hasSize(1);
		TokenResponse next = client.refresh(winner.refreshToken());
		assertThat(next.status()).as("the winner's refresh token works").isEqualTo(200);
		assertThat(recordKeys(USER)).hasSize(1);
	}

	private void assertGrantGone(OAuth2HttpClient client, TokenResponse winner) {
		assertThat(recordKeys(USER)).as("no record key").isEmpty();
		assertThat(this.redis.scanAllKeys().stream().filter((key) -> key.startsWith("oauth2:authorization:")))
			.as("no grant")
			.isEmpty();
		assertThat(client.refresh(winner.refreshToken()).error()).isEqualTo("invalid_grant");
		assertThat(client.introspect(winner.accessToken()).get("active").asBoolean()).isFalse();
	}

	private Outcome race(OAuth2HttpClient client, String refreshToken, int requests) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(requests);
		try {
			CountDownLatch ready = new CountDownLatch(requests);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<TokenResponse>> futures = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				futures.add(pool.submit(() -> {
					ready.countDown();
					go.await();
					return client.refresh(refreshToken);
				}));
			}
			assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
			long start = System.nanoTime();
			go.countDown();
			List<TokenResponse> responses = new ArrayList<>();
			for (Future<TokenResponse> future : futures) {
				responses.add(future.get(30, TimeUnit.SECONDS));
			}
			List<Integer> reuse = this.revokedEvents.all()
				.stream()
				.filter((event) -> event.getCause() == RevocationCause.REUSE)
				.map((event) -> event.getRecords().size())
				.toList();
			return new Outcome(responses, reuse, Duration.ofNanos(System.nanoTime() - start));
		}
		finally {
			pool.shutdownNow();
		}
	}

	private void report(String mode, int requests, int round, Outcome outcome) {
		List<String> records = recordKeys(USER);
		System.out.println("[concurrent-refresh] " + mode + ", " + requests + " requests, round " + round + ": "
				+ outcome.winners().size() + " x 200, " + outcome.invalidGrants() + " x 400 invalid_grant, "
				+ outcome.serverErrors() + " x 5xx, other " + outcome.other() + "; reuse revocation events "
				+ outcome.reuseEvents() + " (records named " + outcome.reuseRevocations() + "); record keys after " + records.size() + " (grant "
				+ (records.isEmpty() ? "revoked" : "survived") + "); " + outcome.took().toMillis() + " ms");
	}

	/**
	 * @param responses the answers
	 * @param reuseRevocations per reuse revocation event, how many records it names
	 * @param took how long the burst took
	 */
	record Outcome(List<TokenResponse> responses, List<Integer> reuseRevocations, Duration took) {

		long reuseEvents() {
			return this.reuseRevocations.size();
		}

		List<TokenResponse> winners() {
			return this.responses.stream().filter((response) -> response.status() == 200).toList();
		}

		long invalidGrants() {
			return this.responses.stream()
				.filter((response) -> response.status() == 400 && "invalid_grant".equals(response.error()))
				.count();
		}

		long serverErrors() {
			return this.responses.stream().filter((response) -> response.status() >= 500).count();
		}

		List<String> other() {
			return this.responses.stream()
				.filter((response) -> response.status() != 200
						&& !(response.status() == 400 && "invalid_grant".equals(response.error())))
				.map((response) -> response.status() + " " + response.json())
				.toList();
		}

		void assertExactlyOneWinnerAndOthersInvalidGrant() {
			assertThat(serverErrors()).as("no 5xx").isZero();
			assertThat(other()).as("no answer other than 200 or 400 invalid_grant").isEmpty();
			assertThat(winners()).as("exactly one success").hasSize(1);
			assertThat(invalidGrants()).isEqualTo(this.responses.size() - 1);
			assertThat(winners().get(0).refreshToken()).isNotBlank();
		}

	}

}
