package io.github.sasredis.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.sasredis.store.mapping.TokenKind;
import io.github.sasredis.test.Redis8;
import io.github.sasredis.test.RedisTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of {@link RedisOAuth2AuthorizationServiceTests} again with hash-field lookups on Redis 8 (the lookup of
 * a secret is a field of one of 4,096 shared hashes, with a TTL of its own), and what only that layout promises.
 */
class HashFieldLookupsServiceTests extends RedisOAuth2AuthorizationServiceTests {

	private static final String HASHES = "oauth2:tokens:";

	@Override
	RedisTestClient redisClient() {
		return Redis8.client();
	}

	@Override
	RedisKeys keys(String namespace, String refreshTokenPrefix) {
		return new RedisKeys(namespace, refreshTokenPrefix, false, true);
	}

	private static String hash(String digest) {
		return HASHES + digest.substring(0, 2);
	}

	@Override
	boolean lookupExists(String digest) {
		return Long.valueOf(1).equals(this.redis.command("HEXISTS", hash(digest), digest));
	}

	@Override
	String lookup(String digest) {
		return (String) this.redis.command("HGET", hash(digest), digest);
	}

	@Override
	void writeLookup(String digest, String value) {
		this.redis.command("HSETEX", hash(digest), "EX", "600", "FIELDS", "1", digest, value);
	}

	@Override
	long lookupCount() {
		return this.redis.scanAllKeys()
			.stream()
			.filter(this::isLookupKey)
			.mapToLong((key) -> (Long) this.redis.command("HLEN", key))
			.sum();
	}

	@Override
	long lookupKeyCount() {
		return this.redis.scanAllKeys().stream().filter(this::isLookupKey).count();
	}

	@Override
	boolean isLookupKey(String key) {
		return key.startsWith(HASHES);
	}

	@Override
	void assertExpires(String key) {
		if (!isLookupKey(key)) {
			super.assertExpires(key);
			return;
		}
		// the hash itself has no TTL: each field has its own, and Redis deletes the hash with its last field
		List<?> fields = (List<?>) this.redis.command("HKEYS", key);
		assertThat(fields).isNotEmpty();
		for (Object field : fields) {
			List<?> ttl = (List<?>) this.redis.command("HPTTL", key, "FIELDS", "1", (String) field);
			assertThat((Long) ttl.get(0)).as("TTL of field %s of %s", field, key).isPositive();
		}
	}

	@Override
	void assertDocumentHoldsDigest(String dump, String digest) {
		// the document refers to the digests the authorization's header holds by their position
		assertThat(dump).doesNotContain("\"digest\":\"" + digest + "\"").contains("\"digest\":\"#");
		assertThat(dump).contains(digest);
	}

	@Override
	String refreshTokenLookup(String id, String user, String jti) {
		// the record is named by the authorization, not by the lookup
		return "r" + id.length() + ":" + id;
	}

	@Override
	Map<String, Long> rotationCommands() {
		// find 3 (HGET lookup, GET authorization, EXISTS the record it names), save 13 (GET, HDEL the old access
		// token's lookup, HSETEX rotated-out lookup, HSETEX x2 new lookups, DEL the old record, ZREM, SET record, ZADD,
		// ZREMRANGEBYSCORE, ZRANGE, PEXPIREAT, SET)
		return Map.ofEntries(Map.entry("evalsha", 2L), Map.entry("hget", 1L), Map.entry("get", 2L),
				Map.entry("exists", 1L), Map.entry("hsetex", 3L), Map.entry("hdel", 1L), Map.entry("del", 1L),
				Map.entry("set", 2L), Map.entry("zrem", 1L), Map.entry("zadd", 1L), Map.entry("zremrangebyscore", 1L),
				Map.entry("zrange", 1L), Map.entry("pexpireat", 1L));
	}

	@Test
	void saveWhenOidcGrantThenLookupsAreFieldsWithTheTokensLifetimesInCompactHashes() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		this.service.save(authorization);
		assertThat(this.redis.scanAllKeys()).noneMatch((key) -> key.startsWith("oauth2:token:"))
			.allMatch((key) -> !isLookupKey(key) || key.matches("oauth2:tokens:[A-Za-z0-9_-]{2}"));
		for (TokenKind kind : List.of(TokenKind.ACCESS_TOKEN, TokenKind.REFRESH_TOKEN, TokenKind.ID_TOKEN)) {
			var token = kind.tokenIn(authorization).getToken();
			String digest = TokenDigester.sha256().digest(token.getTokenValue());
			long expected = Duration.between(Instant.now(), token.getExpiresAt()).plusSeconds(60).toMillis();
			List<?> ttl = (List<?>) this.redis.command("HPTTL", hash(digest), "FIELDS", "1", digest);
			assertThat((Long) ttl.get(0)).as("TTL of the %s's lookup", kind).isBetween(expected - 2_000, expected + 1_000);
			// values of up to 64 bytes keep a small hash in Redis's compact encoding
			assertThat(lookup(digest)).hasSizeLessThanOrEqualTo(64);
			assertThat(this.redis.command("OBJECT", "ENCODING", hash(digest))).isEqualTo("listpackex");
		}
	}

	@Test
	void saveWhenManyGrantsThenThreeKeysPerGrantBesidesAtMost4096Hashes() {
		int grants = 3_000;
		for (int i = 0; i < grants; i++) {
			this.service.save(TestAuthorizations.authorizationCodeGrant("user-" + (i % 300)));
		}
		// per grant: the authorization and its record; per user: the index; the lookups share the hashes
		long hashes = lookupKeyCount();
		assertThat(hashes).isLessThanOrEqualTo(4096);
		assertThat(this.redis.scanAllKeys()).hasSize(grants * 2 + 300 + (int) hashes);
		assertThat(lookupCount()).isEqualTo(4L * grants);
	}

	@Test
	void saveWhenOidcGrantsThenUnder2KiBPerGrantAndLessThanWithLookupsAsKeys() {
		// bytes a grant adds once the 4,096 hashes exist (the first grants create them): used_memory is what the
		// allocator handed out, a count, not a time
		long hashFields = bytesPerGrant(this.service);
		this.redis.flushAll();
		long keys = bytesPerGrant(keysLayoutService());
		System.out.println("Bytes per OIDC grant on Redis 8: hash-field lookups " + hashFields + ", lookups as keys "
				+ keys);
		assertThat(hashFields).isLessThanOrEqualTo(2048).isLessThan(keys - 300);
	}

	private RedisOAuth2AuthorizationService keysLayoutService() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(this.redis.host(), this.redis.port()));
		factory.afterPropertiesSet();
		factory.start();
		this.closeAfterwards.add(factory);
		return new RedisOAuth2AuthorizationService(new StringRedisTemplate(factory));
	}

	private final List<LettuceConnectionFactory> closeAfterwards = new java.util.ArrayList<>();

	@org.junit.jupiter.api.AfterAll
	void closeFactories() {
		this.closeAfterwards.forEach(LettuceConnectionFactory::destroy);
	}

	private long bytesPerGrant(RedisOAuth2AuthorizationService store) {
		for (int i = 0; i < 2_000; i++) {
			store.save(TestAuthorizations.authorizationCodeGrant("user-" + (i % 400)));
		}
		long before = usedMemory();
		int grants = 5_000;
		for (int i = 0; i < grants; i++) {
			store.save(TestAuthorizations.authorizationCodeGrant("user-" + (i % 400)));
		}
		return (usedMemory() - before) / grants;
	}

	private long usedMemory() {
		String info = (String) this.redis.command("INFO", "memory");
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("used_memory:")) {
				return Long.parseLong(line.substring("used_memory:".length()).trim());
			}
		}
		throw new IllegalStateException("no used_memory in INFO memory");
	}

	@Test
	void findByTokenWhenConsentReplayedAfterSwitchThenUnknownNotAnError() {
		// state's lookup written as a key, the consent saved with hash-field lookups (state gone): the key stays
		// behind until its TTL, and finding it again must read as an unknown state, not fail
		RedisOAuth2AuthorizationService keys = keysLayoutService();
		OAuth2Authorization awaiting = TestAuthorizations.awaitingConsent("alice");
		keys.save(awaiting);
		String state = valueOf(awaiting, TokenKind.STATE);
		OAuth2Authorization found = this.service.findByToken(state, new OAuth2TokenType("state"));
		assertThat(found).isNotNull();
		Instant now = Instant.now();
		this.service.save(OAuth2Authorization.from(found)
			.attributes((attributes) -> attributes.remove("state"))
			.token(new org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode(
					TestAuthorizations.randomValue(), now, now.plusSeconds(300)))
			.build());
		assertThat(this.redis.exists("oauth2:token:" + TokenDigester.sha256().digest(state))).isTrue();
		for (RedisOAuth2AuthorizationService store : List.of(this.service, keys)) {
			assertThat(store.findByToken(state, new OAuth2TokenType("state"))).isNull();
			assertThat(store.findByToken(state, null)).isNull();
		}
	}

	@Test
	void findByTokenWhenStoreSwitchedBackToKeysThenLookupsWrittenAsFieldsStillFound() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		this.service.save(authorization);
		RedisOAuth2AuthorizationService keys = keysLayoutService();
		for (TokenKind kind : List.of(TokenKind.ACCESS_TOKEN, TokenKind.REFRESH_TOKEN, TokenKind.ID_TOKEN)) {
			assertThat(keys.findByToken(valueOf(authorization, kind), null)).as(kind.name()).isNotNull();
		}
		String refresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		OAuth2Authorization rotated = TestAuthorizations.rotate(keys.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN));
		keys.save(rotated);
		assertThat(keys.findByToken(valueOf(rotated, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN))
			.isNotNull();
		// the old refresh token, presented again after the rotation: reuse, which revokes the grant
		assertThat(keys.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(keys.findById(authorization.getId())).isNull();
		assertThat(this.service.findByToken(valueOf(rotated, TokenKind.ACCESS_TOKEN), null)).isNull();
	}

	@Test
	void findByTokenWhenLookupsWereWrittenAsKeysThenFoundUntilTheyExpire() {
		// an instance switched from the keys layout finds the tokens issued before the switch
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(this.redis.host(), this.redis.port()));
		factory.afterPropertiesSet();
		factory.start();
		try {
			RedisOAuth2AuthorizationService before = new RedisOAuth2AuthorizationService(
					new StringRedisTemplate(factory));
			OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
			before.save(authorization);
			String refresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
			assertThat(this.redis.exists("oauth2:token:" + TokenDigester.sha256().digest(refresh))).isTrue();
			for (TokenKind kind : List.of(TokenKind.ACCESS_TOKEN, TokenKind.REFRESH_TOKEN, TokenKind.ID_TOKEN)) {
				assertThat(this.service.findByToken(valueOf(authorization, kind), null)).as(kind.name()).isNotNull();
			}
			OAuth2Authorization rotated = TestAuthorizations
				.rotate(this.service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN));
			this.service.save(rotated);
			assertThat(this.service.findByToken(valueOf(rotated, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN))
				.isNotNull();
			assertThat(lookupExists(TokenDigester.sha256().digest(valueOf(rotated, TokenKind.REFRESH_TOKEN)))).isTrue();
			assertThat(this.service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN))
				.as("the refresh token rotated out after the switch").isNull();
		}
		finally {
			factory.destroy();
		}
	}

}
