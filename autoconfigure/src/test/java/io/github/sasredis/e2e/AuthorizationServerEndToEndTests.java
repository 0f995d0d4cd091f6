package io.github.sasredis.e2e;

import io.github.sasredis.store.RefreshTokenRevokedEvent;
import io.github.sasredis.test.RedisTestClient;
import io.github.sasredis.test.SharedRedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end flows ({@link AuthorizationServerFlows}) on a server whose store keeps lookups as keys (the
 * default), on the tests' shared Redis.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class AuthorizationServerEndToEndTests extends AuthorizationServerFlows {

	/** The test server's user and client. */
	static final String SERVER_PROPERTIES = "classpath:e2e/test-authorization-server.properties";

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", SharedRedis::uri);
	}

	@Override
	RedisTestClient redisClient() {
		return RedisTestClient.shared();
	}

	/**
	 * Boot's auto-configuration and the starter, plus a collector of {@link RefreshTokenRevokedEvent}s.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestAuthorizationServer {

		@Bean
		EveryFlowTestServer.RevokedEvents revokedEvents() {
			return new EveryFlowTestServer.RevokedEvents();
		}

	}

}
