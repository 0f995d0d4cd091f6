package io.github.sasredis.e2e;

import java.util.List;

import io.github.sasredis.test.Redis8;
import io.github.sasredis.test.RedisTestClient;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end flows ({@link AuthorizationServerFlows}) over HTTP against a real authorization server whose
 * store keeps lookups as hash fields ({@code sas-redis.lookup-layout=hash-fields}) on Redis 8: code flow with
 * consent state, refresh with rotation, introspection, RFC 7009 revocation, reuse detection.
 */
@SpringBootTest(classes = AuthorizationServerEndToEndTests.TestAuthorizationServer.class,
		webEnvironment = WebEnvironment.RANDOM_PORT)
class HashFieldLookupsEndToEndTests extends AuthorizationServerFlows {

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> Redis8.server().uri());
		registry.add("sas-redis.lookup-layout", () -> "hash-fields");
	}

	@Override
	RedisTestClient redisClient() {
		return Redis8.client();
	}

	@Override
	void assertEverythingExpires() {
		List<String> keys = this.redis.scanAllKeys();
		assertThat(keys).noneMatch((key) -> key.startsWith("oauth2:token:"))
			.anyMatch((key) -> key.startsWith("oauth2:tokens:"));
		for (String key : keys) {
			if (!key.startsWith("oauth2:tokens:")) {
				assertThat(this.redis.pttl(key)).as("TTL of %s", key).isPositive();
				continue;
			}
			for (Object field : (List<?>) this.redis.command("HKEYS", key)) {
				List<?> ttl = (List<?>) this.redis.command("HPTTL", key, "FIELDS", "1", (String) field);
				assertThat((Long) ttl.get(0)).as("TTL of a field of %s", key).isPositive();
			}
		}
	}

}
