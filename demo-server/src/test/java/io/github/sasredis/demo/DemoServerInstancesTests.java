package io.github.sasredis.demo;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.github.sasredis.demo.DemoClient.Tokens;
import io.github.sasredis.test.SharedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.sasredis.demo.DemoServerEndToEndTests.assertInvalidGrant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two demo servers on one Redis, as behind a load balancer, and a server restarted on the same Redis: whatever one
 * instance issued or revoked holds on the other at once and after a restart. The applications are started with
 * {@link SpringApplicationBuilder} exactly as {@code main} does, each on a random port.
 */
class DemoServerInstancesTests {

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startInstances() {
		first = startInstance();
		second = startInstance();
	}

	@AfterAll
	static void stopInstances() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { first, second }) {
			if (context != null) {
				context.close();
			}
		}
	}

	static ConfigurableApplicationContext startInstance() {
		return new SpringApplicationBuilder(DemoServerApplication.class).run("--server.port=0",
				"--spring.data.redis.url=" + SharedRedis.uri());
	}

	static DemoClient client(ConfigurableApplicationContext context) {
		return new DemoClient(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
	}

	/**
	 * Four clients refresh for 30 s (or {@code -Dsas-redis.test.load-seconds=N}), each alternating between
	 * the two instances: no error at all (no client races another for one grant), and no grant lost: every
	 * client's last refresh token still works and is listed on both instances.
	 */
	@Test
	void refreshWhenFourClientsAlternateInstancesUnderLoadThenNoErrorAndNoLostGrant() throws Exception {
		long seconds = Long.getLong("sas-redis.test.load-seconds", 30);
		List<String> users = List.of("user", "alice", "user", "alice");
		List<Tokens> issued = users.stream().map((user) -> client(first).authorizationCodeFlow(user, "password")).toList();
		DemoClient[] instances = { client(first), client(second) };
		java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
		List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
		String[] latest = issued.stream().map(Tokens::refreshToken).toArray(String[]::new);
		long deadline = System.nanoTime() + java.time.Duration.ofSeconds(seconds).toNanos();
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(users.size());
		try {
			List<java.util.concurrent.Future<?>> clients = new java.util.ArrayList<>();
			for (int c = 0; c < users.size(); c++) {
				int client = c;
				clients.add(pool.submit(() -> {
					int turn = client;
					while (System.nanoTime() < deadline && errors.isEmpty()) {
						HttpResponse<String> response = instances[turn++ % 2].refresh(latest[client]);
						if (response.statusCode() != 200) {
							errors.add("client " + client + ": " + response.statusCode() + " " + response.body());
							return;
						}
						latest[client] = Tokens.of(response).refreshToken();
						refreshes.incrementAndGet();
					}
				}));
			}
			for (java.util.concurrent.Future<?> future : clients) {
				future.get(seconds + 60, java.util.concurrent.TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(errors).isEmpty();
		assertThat(refreshes.get()).isGreaterThan(users.size());
		io.github.sasredis.store.TokenDigester digester = io.github.sasredis.store.TokenDigester.sha256();
		for (int c = 0; c < users.size(); c++) {
			String jti = digester.jti(digester.digest(latest[c]));
			assertThat(client(first).refreshTokenJtis(users.get(c))).contains(jti);
			assertThat(client(second).refreshTokenJtis(users.get(c))).contains(jti);
			assertThat(instances[c % 2].refresh(latest[c]).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void refreshWhenIssuedByOtherInstanceThenSucceeds() {
		Tokens issued = client(first).authorizationCodeFlow("user", "password");

		Tokens refreshed = Tokens.of(client(second).refresh(issued.refreshToken()));

		assertThat(refreshed.refreshToken()).isNotEqualTo(issued.refreshToken());
		Tokens again = Tokens.of(client(first).refresh(refreshed.refreshToken()));
		assertThat(again.refreshToken()).isNotEqualTo(refreshed.refreshToken());
		assertInvalidGrant(client(second).refresh(refreshed.refreshToken()));
	}

	@Test
	void revokeWhenRevokedOnOneInstanceThenRefusedOnOtherAtOnce() {
		Tokens issued = client(first).authorizationCodeFlow("user", "password");
		assertThat(client(second).introspect(issued.accessToken())).containsEntry("active", true);

		assertThat(client(first).revoke(issued.refreshToken(), "refresh_token").statusCode()).isEqualTo(200);

		assertInvalidGrant(client(second).refresh(issued.refreshToken()));
		assertThat(client(second).introspect(issued.accessToken())).containsEntry("active", false);
	}

	@Test
	void actuatorRevokeWhenRevokedOnOneInstanceThenRefusedOnOtherAtOnce() {
		List<String> before = client(second).refreshTokenJtis("user");
		Tokens issued = client(first).authorizationCodeFlow("user", "password");
		List<String> jtis = client(second).refreshTokenJtis("user").stream()
			.filter((jti) -> !before.contains(jti))
			.toList();
		assertThat(jtis).hasSize(1);

		HttpResponse<String> revoked = client(second).basic("DELETE", "/actuator/refreshtokens/user/" + jtis.get(0),
				"ops", "ops-password");

		assertThat(revoked.statusCode()).isEqualTo(200);
		assertInvalidGrant(client(first).refresh(issued.refreshToken()));
	}

	@Test
	void userInfoWhenAccessTokenIssuedByOtherInstanceThenAccepted() {
		Tokens issued = client(first).authorizationCodeFlow("user", "password");

		HttpResponse<String> userInfo = client(second).userInfo(issued.accessToken());

		assertThat(userInfo.statusCode()).as("userinfo: %s", userInfo.body()).isEqualTo(200);
		assertThat(DemoClient.parse(userInfo.body())).containsEntry("sub", "user");
		assertThat(client(first).anonymous("GET", "/oauth2/jwks").body())
			.isEqualTo(client(second).anonymous("GET", "/oauth2/jwks").body());
	}

	@Test
	void restartWhenSameRedisThenIssuedTokenWorksAndRevokedTokenStaysRefused() {
		DemoClient before = client(first);
		Tokens kept = before.authorizationCodeFlow("user", "password");
		Tokens revoked = before.authorizationCodeFlow("user", "password");
		assertThat(before.revoke(revoked.refreshToken(), "refresh_token").statusCode()).isEqualTo(200);

		first.close();
		first = startInstance();
		DemoClient after = client(first);

		assertThat(after.userInfo(kept.accessToken()).statusCode()).as("access token signed before the restart")
			.isEqualTo(200);
		Tokens refreshed = Tokens.of(after.refresh(kept.refreshToken()));
		assertThat(refreshed.refreshToken()).isNotEqualTo(kept.refreshToken());
		assertInvalidGrant(after.refresh(revoked.refreshToken()));
		assertThat(after.introspect(revoked.accessToken())).containsEntry("active", false);
		Map<String, Object> introspection = after.introspect(refreshed.accessToken());
		assertThat(introspection).containsEntry("active", true).containsEntry("sub", "user");
	}

}
