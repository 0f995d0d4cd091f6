package io.github.sasredis.actuate.endpoint;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import io.github.sasredis.actuate.TestAuthorizations;
import io.github.sasredis.test.RedisTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing and revoking all of one user's refresh tokens costs in proportion to that user's tokens, not to the
 * keyspace: Redis executes exactly the same commands (counted server-side with {@code INFO commandstats}, which
 * includes the commands run inside Lua scripts) whether 10 or 10,000 other users have tokens, and never
 * {@code SCAN} or {@code KEYS}.
 */
class RefreshTokensEndpointCostTests extends RefreshTokensHttpTestSupport {

	private static final String USER = "user*";

	private static final int TOKENS = 3;

	@Test
	void refreshTokensAndRevokeAllWhenTenThousandOtherUsersThenSameRedisCommandsAsWithTen() throws Exception {
		try (RedisTestClient redis = RedisTestClient.shared()) {
			Map<String, Long> withTen = measure(redis, 10);
			Map<String, Long> withTenThousand = measure(redis, 10_000);

			assertThat(withTenThousand).isEqualTo(withTen);
			assertThat(withTen).containsKeys("list:evalsha", "revokeAll:evalsha")
				.doesNotContainKeys("list:scan", "list:keys", "revokeAll:scan", "revokeAll:keys");
		}
	}

	/**
	 * Fills Redis with {@code others} other users holding one authorization each plus the user under test, then
	 * returns the commands Redis executed to list and to revoke all of that user's tokens.
	 */
	private Map<String, Long> measure(RedisTestClient redis, int others) throws Exception {
		redis.flushAll();
		RegisteredClient client = client();
		ForkJoinPool pool = new ForkJoinPool(8);
		try {
			// "user0", "user1"...: every one of them matches the pattern "user*", the name of the user under test
			pool.submit(() -> IntStream.range(0, others)
				.parallel()
				.forEach((i) -> this.authorizationService.save(TestAuthorizations.issue(client, "user" + i)
					.authorization())))
				.get();
		}
		finally {
			pool.shutdown();
		}
		for (int i = 0; i < TOKENS; i++) {
			issue(USER);
		}
		issue("warm-up");
		// the first call of a script after a restart is a NOSCRIPT EVALSHA plus an EVAL: load them before measuring
		assertThat(get("/actuator/refreshtokens/warm-up").status()).isEqualTo(200);
		assertThat(delete("/actuator/refreshtokens/warm-up").json().get("revoked").asInt()).isEqualTo(1);
		assertThat((Long) redis.command("DBSIZE")).isGreaterThan(others * 3L);

		Map<String, Long> commands = new TreeMap<>();
		Map<String, Long> before = redis.commandStats();
		Response list = get("/actuator/refreshtokens/" + encode(USER));
		Map<String, Long> afterList = redis.commandStats();
		Response revokeAll = delete("/actuator/refreshtokens/" + encode(USER));
		Map<String, Long> afterRevokeAll = redis.commandStats();

		assertThat(list.json().get("tokens")).hasSize(TOKENS);
		assertThat(revokeAll.json().get("revoked").asInt()).isEqualTo(TOKENS);
		delta(before, afterList).forEach((command, calls) -> commands.put("list:" + command, calls));
		delta(afterList, afterRevokeAll).forEach((command, calls) -> commands.put("revokeAll:" + command, calls));
		return commands;
	}

	private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
		Map<String, Long> delta = new TreeMap<>();
		after.forEach((command, calls) -> {
			long difference = calls - before.getOrDefault(command, 0L);
			if (difference > 0 && !command.equals("info")) {
				delta.put(command, difference);
			}
		});
		return delta;
	}

}
