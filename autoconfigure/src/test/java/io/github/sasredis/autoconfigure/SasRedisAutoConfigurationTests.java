package io.github.sasredis.autoconfigure;

import java.security.Principal;
import java.time.Duration;
import java.util.UUID;

import io.github.sasredis.store.AuthorizationStoreUnavailableException;
import io.github.sasredis.store.RedisOAuth2AuthorizationService;
import io.github.sasredis.store.RefreshTokenRegistry;
import io.github.sasredis.store.TestAuthorizations;
import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper;
import io.github.sasredis.test.RedisCluster;
import io.github.sasredis.test.RedisTestClient;
import io.github.sasredis.test.Redis8;
import io.github.sasredis.test.SharedRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * When the store is auto-configured, when it backs off, and how its properties bind.
 */
class SasRedisAutoConfigurationTests {

	private final RedisTestClient redis = RedisTestClient.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SasRedisAutoConfiguration.class,
				SasRedisRegistryAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + SharedRedis.uri());

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void runWhenRedisAndAuthorizationServerPresentShouldRegisterStoreAndRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(OAuth2AuthorizationService.class);
			assertThat(context).hasSingleBean(RedisOAuth2AuthorizationService.class);
			assertThat(context).hasSingleBean(RefreshTokenRegistry.class);
		});
	}

	@Test
	void runWhenUserDefinesAuthorizationServiceShouldBackOff() {
		this.contextRunner
			.withBean("userStore", OAuth2AuthorizationService.class, InMemoryOAuth2AuthorizationService::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(OAuth2AuthorizationService.class);
				assertThat(context).getBean(OAuth2AuthorizationService.class)
					.isInstanceOf(InMemoryOAuth2AuthorizationService.class);
				assertThat(context).doesNotHaveBean(RefreshTokenRegistry.class);
			});
	}

	@Test
	void runWhenDisabledShouldNotRegisterStore() {
		this.contextRunner.withPropertyValues("sas-redis.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(OAuth2AuthorizationService.class);
			assertThat(context).doesNotHaveBean(RefreshTokenRegistry.class);
		});
	}

	@Test
	void runWhenNoRedisConnectionFactoryShouldNotRegisterStore() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SasRedisAutoConfiguration.class, SasRedisRegistryAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(OAuth2AuthorizationService.class));
	}

	@Test
	void runWhenAuthorizationServerNotOnClassPathShouldNotRegisterStore() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(OAuth2Authorization.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisConnectionFactory.class);
				assertThat(context).doesNotHaveBean(RedisOAuth2AuthorizationService.class);
			});
	}

	@Test
	void runWhenSpringDataRedisNotOnClassPathShouldNotRegisterStore() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SasRedisAutoConfiguration.class, SasRedisRegistryAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RedisOAuth2AuthorizationService.class));
	}

	@Test
	void runWhenPropertiesSetShouldBindThem() {
		this.contextRunner
			.withPropertyValues("sas-redis.namespace=authz", "sas-redis.refresh-token-key-prefix=rt",
					"sas-redis.grace=30s", "sas-redis.ttl-without-expiry=5m",
					"sas-redis.digest-secret=0123456789abcdef0123456789abcdef",
					"sas-redis.allowed-type-prefixes=com.example.")
			.run((context) -> {
				SasRedisProperties properties = context.getBean(SasRedisProperties.class);
				assertThat(properties.getGrace()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.getTtlWithoutExpiry()).isEqualTo(Duration.ofMinutes(5));
				assertThat(properties.getAllowedTypePrefixes()).containsExactly("com.example.");
				OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
				String refresh = UUID.randomUUID().toString();
				OAuth2Authorization authorization = authorization("alice", refresh, new Object());
				service.save(authorization);
				TokenDigester digester = TokenDigester
					.hmacSha256("0123456789abcdef0123456789abcdef".getBytes());
				String recordKey = "rt:alice:" + digester.jti(digester.digest(refresh));
				assertThat(this.redis.exists(recordKey)).isTrue();
				assertThat(this.redis.ttl(recordKey)).isBetween(3600L + 30 - 2, 3600L + 30);
				assertThat(this.redis.exists("authz:authorization:" + authorization.getId())).isTrue();
				assertThat(service.findByToken(refresh, null)).isNotNull();
			});
	}

	@Test
	void runWhenDefaultShouldCompressDocumentsAndWhenSwitchedOffWritePlainJson() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		String hashKey = "oauth2:authorization:" + authorization.getId();
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(SasRedisProperties.class).isCompressDocuments()).isTrue();
			context.getBean(OAuth2AuthorizationService.class).save(authorization);
			assertThat(this.redis.authorization(hashKey).get("d")).startsWith("z1:");
		});
		this.contextRunner.withPropertyValues("sas-redis.compress-documents=false").run((context) -> {
			OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
			String refresh = authorization.getRefreshToken().getToken().getTokenValue();
			OAuth2Authorization found = service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN);
			assertThat(found).as("a compressed document read by a store that writes plain JSON").isNotNull();
			service.save(TestAuthorizations.rotate(found));
			assertThat(this.redis.authorization(hashKey).get("d")).startsWith("{\"id\":\"" + authorization.getId());
		});
	}

	@Test
	void runWhenAttributeCacheSizeSetShouldApplyItToTheDocumentMapper() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		String refresh = authorization.getRefreshToken().getToken().getTokenValue();
		this.contextRunner.run((context) -> {
			context.getBean(OAuth2AuthorizationService.class).save(authorization);
			context.getBean(OAuth2AuthorizationService.class).findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN);
			assertThat(context.getBean(OAuth2AuthorizationDocumentMapper.class).cachedAttributeSets()).isEqualTo(1);
		});
		this.contextRunner.withPropertyValues("sas-redis.attribute-cache-size=0").run((context) -> {
			assertThat(context.getBean(OAuth2AuthorizationService.class)
				.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN)).isNotNull();
			assertThat(context.getBean(OAuth2AuthorizationDocumentMapper.class).cachedAttributeSets()).isZero();
		});
	}

	@Test
	void runWhenKeyLayoutAndRotationGracePeriodSetShouldApplyThem() {
		this.contextRunner.withPropertyValues("sas-redis.key-layout=cluster", "sas-redis.rotation-grace-period=1m")
			.run((context) -> {
				SasRedisProperties properties = context.getBean(SasRedisProperties.class);
				assertThat(properties.getKeyLayout()).isEqualTo(SasRedisProperties.KeyLayout.CLUSTER);
				assertThat(properties.getRotationGracePeriod()).isEqualTo(Duration.ofMinutes(1));
				OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
				OAuth2Authorization first = TestAuthorizations.authorizationCodeGrant("alice");
				service.save(first);
				String firstRefresh = first.getRefreshToken().getToken().getTokenValue();
				TokenDigester digester = TokenDigester.sha256();
				assertThat(this.redis.exists("refresh_token:{alice}:" + digester.jti(digester.digest(firstRefresh))))
					.as("cluster layout: the user id as hash tag")
					.isTrue();
				service.save(TestAuthorizations
					.rotate(service.findByToken(firstRefresh, OAuth2TokenType.REFRESH_TOKEN)));
				assertThat(service.findByToken(firstRefresh, OAuth2TokenType.REFRESH_TOKEN))
					.as("the predecessor within the grace period is accepted, not taken as reuse")
					.isNotNull();
			});
	}

	@Test
	void runWhenReplicasToAwaitSetShouldWaitForThemAndFailClosedWithoutThem() {
		this.contextRunner.withPropertyValues("sas-redis.replicas-to-await=1", "sas-redis.replica-timeout=150ms")
			.run((context) -> {
				SasRedisProperties properties = context.getBean(SasRedisProperties.class);
				assertThat(properties.getReplicasToAwait()).isEqualTo(1);
				assertThat(properties.getReplicaTimeout()).isEqualTo(Duration.ofMillis(150));
				OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
				assertThatExceptionOfType(AuthorizationStoreUnavailableException.class)
					.isThrownBy(() -> service.save(TestAuthorizations.authorizationCodeGrant("alice")))
					.withMessageContaining("0 of 1 Redis replicas");
			});
	}

	@Test
	void runWhenReplicasToAwaitSetWithClusterKeyLayoutShouldFailToStart() {
		this.contextRunner.withPropertyValues("sas-redis.replicas-to-await=1", "sas-redis.key-layout=cluster")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("sas-redis.replicas-to-await is not supported with Redis Cluster"));
	}

	@Test
	void runWhenHashFieldLookupsOnRedis8ShouldKeepLookupsInSharedHashes() {
		try (RedisTestClient redis8 = Redis8.client()) {
			redis8.flushAll();
			this.contextRunner
				.withPropertyValues("spring.data.redis.url=redis://" + redis8.host() + ":" + redis8.port(),
						"sas-redis.lookup-layout=hash-fields")
				.run((context) -> {
					OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
					String refresh = UUID.randomUUID().toString();
					service.save(authorization("alice", refresh, new Object()));
					assertThat(redis8.scanAllKeys()).anyMatch((key) -> key.startsWith("oauth2:tokens:"))
						.noneMatch((key) -> key.startsWith("oauth2:token:"));
					assertThat(service.findByToken(refresh, null)).isNotNull();
				});
		}
	}

	@Test
	void hasHashFieldExpiryWhenRedis8ThenTrueAndWhenRedis7ThenFalse() {
		// asked from Lua: Lettuce cannot read COMMAND INFO's nested reply on Redis 8 through connection.execute
		try (RedisTestClient redis8 = Redis8.client()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(redis8.host(), redis8.port()));
			factory.afterPropertiesSet();
			factory.start();
			try {
				assertThat(SasRedisAutoConfiguration.hasHashFieldExpiry(new StringRedisTemplate(factory))).isTrue();
			}
			finally {
				factory.destroy();
			}
		}
		// the shared Redis is the redis-server on the PATH: 7.0 on Debian 12, which has no HSETEX
		boolean sharedHasHsetex = ((java.util.List<?>) this.redis.command("COMMAND", "INFO", "HSETEX")).get(0) != null;
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(SharedRedis.host(), SharedRedis.port()));
		factory.afterPropertiesSet();
		factory.start();
		try {
			assertThat(SasRedisAutoConfiguration.hasHashFieldExpiry(new StringRedisTemplate(factory)))
				.isEqualTo(sharedHasHsetex);
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void runWhenHashFieldLookupsOnRedisWithoutHsetexShouldFailToStart() {
		// the shared Redis is the redis-server on the PATH (7.x on Debian 12); should it have HSETEX, the store starts
		boolean hasHsetex = ((java.util.List<?>) this.redis.command("COMMAND", "INFO", "HSETEX")).get(0) != null;
		this.contextRunner.withPropertyValues("sas-redis.lookup-layout=hash-fields").run((context) -> {
			if (hasHsetex) {
				assertThat(context).hasNotFailed();
			}
			else {
				assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("sas-redis.lookup-layout=hash-fields needs Redis 8.0 or later");
			}
		});
	}

	@Test
	void runWhenHashFieldLookupsWithClusterKeyLayoutShouldFailToStart() {
		this.contextRunner.withPropertyValues("sas-redis.lookup-layout=hash-fields", "sas-redis.key-layout=cluster")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("hash-fields is not supported with Redis Cluster"));
	}

	@Test
	void runWhenRedisClusterConfiguredShouldUseClusterKeyLayout() {
		RedisCluster cluster = RedisCluster.shared();
		cluster.flushAll();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SasRedisAutoConfiguration.class,
					SasRedisRegistryAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.cluster.nodes=" + String.join(",", cluster.addresses()))
			.run((context) -> {
				OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
				String refresh = UUID.randomUUID().toString();
				service.save(authorization("alice", refresh, new Object()));
				assertThat(cluster.scanAllKeys()).anyMatch((key) -> key.startsWith("refresh_token:{alice}:"));
				assertThat(service.findByToken(refresh, null)).isNotNull();
			});
	}

	@Test
	void runWhenStandaloneRedisShouldUseStandaloneKeyLayout() {
		this.contextRunner.run((context) -> {
			String refresh = UUID.randomUUID().toString();
			context.getBean(OAuth2AuthorizationService.class).save(authorization("alice", refresh, new Object()));
			assertThat(this.redis.scanAllKeys()).anyMatch((key) -> key.startsWith("refresh_token:alice:"));
		});
	}

	@Test
	void runWhenApplicationPrincipalTypeAllowedShouldRoundTripIt() {
		String refresh = UUID.randomUUID().toString();
		this.contextRunner.run((context) -> {
			OAuth2AuthorizationService service = context.getBean(OAuth2AuthorizationService.class);
			service.save(authorization("alice", refresh, new AppPrincipal("alice")));
			assertThatException().isThrownBy(() -> service.findByToken(refresh, null))
				.withMessageContaining(AppPrincipal.class.getName());
		});
		this.contextRunner.withPropertyValues("sas-redis.allowed-type-prefixes=" + AppPrincipal.class.getName())
			.run((context) -> {
				OAuth2Authorization found = context.getBean(OAuth2AuthorizationService.class)
					.findByToken(refresh, null);
				assertThat(found.<AppPrincipal>getAttribute(Principal.class.getName()))
					.isEqualTo(new AppPrincipal("alice"));
			});
	}

	private static OAuth2Authorization authorization(String principalName, String refreshToken, Object principal) {
		RegisteredClient client = RegisteredClient.withId("client")
			.clientId("client")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.build();
		java.time.Instant now = java.time.Instant.now();
		OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
			.id(UUID.randomUUID().toString())
			.principalName(principalName)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.refreshToken(new OAuth2RefreshToken(refreshToken, now, now.plusSeconds(3600)));
		if (principal instanceof AppPrincipal) {
			builder.attribute(Principal.class.getName(), principal);
		}
		return builder.build();
	}

	/**
	 * An application's own principal type, unknown to Spring Security's type allowlist.
	 */
	public record AppPrincipal(String name) {
	}

}
