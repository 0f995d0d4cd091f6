package io.github.sasredis.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sasredis.store.mapping.DocumentEncoding;
import io.github.sasredis.store.mapping.TokenKind;
import io.github.sasredis.test.RedisTestClient;
import io.github.sasredis.test.RoundTripCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * What only the Redis store promises, checked on a real Redis as {@code redis-cli} sees it: the refresh-token
 * record and its TTL, no token value at rest, every key expiring, the record as the authority, round trips per
 * operation, the registry, and compare-and-set on concurrent writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisOAuth2AuthorizationServiceTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	RedisTestClient redis;

	private RoundTripCounter counter;

	private LettuceConnectionFactory connectionFactory;

	RedisOAuth2AuthorizationService service;

	private RedisRefreshTokenRegistry registry;

	private final List<RefreshTokenRevokedEvent> events = new CopyOnWriteArrayList<>();

	@BeforeAll
	void connect() {
		this.redis = redisClient();
		this.counter = new RoundTripCounter();
		this.connectionFactory = RoundTripCounter.connectionFactory(this.redis.host(), this.redis.port(),
				this.counter);
		this.service = newService();
		this.service.setEventPublisher((event) -> this.events.add((RefreshTokenRevokedEvent) event));
		this.registry = new RedisRefreshTokenRegistry(this.service);
	}

	@AfterAll
	void disconnect() {
		this.connectionFactory.destroy();
	}

	/** The Redis these tests run on. */
	RedisTestClient redisClient() {
		return RedisTestClient.shared();
	}

	/** The key names (and layout of lookups) under test, with the given namespace and record prefix. */
	RedisKeys keys(String namespace, String refreshTokenPrefix) {
		return new RedisKeys(namespace, refreshTokenPrefix, false);
	}

	private RedisOAuth2AuthorizationService newService() {
		RedisOAuth2AuthorizationService store = new RedisOAuth2AuthorizationService(
				new StringRedisTemplate(this.connectionFactory));
		store.setKeys(keys(RedisKeys.DEFAULT_NAMESPACE, RedisKeys.DEFAULT_REFRESH_TOKEN_PREFIX));
		return store;
	}

	/** Whether the lookup of the secret with this digest exists. */
	boolean lookupExists(String digest) {
		return this.redis.exists("oauth2:token:" + digest);
	}

	/** The lookup of the secret with this digest, or {@code null}. */
	String lookup(String digest) {
		return this.redis.get("oauth2:token:" + digest);
	}

	/** Writes the lookup of the secret with this digest, for ten minutes. */
	void writeLookup(String digest, String value) {
		this.redis.command("SET", "oauth2:token:" + digest, value, "EX", "600");
	}

	/** How many lookups there are. */
	long lookupCount() {
		return this.redis.scanAllKeys().stream().filter((key) -> key.startsWith("oauth2:token:")).count();
	}

	/** How many keys the lookups take. */
	long lookupKeyCount() {
		return lookupCount();
	}

	/** Whether a key holds lookups. */
	boolean isLookupKey(String key) {
		return key.startsWith("oauth2:token:");
	}

	/** The value of a refresh token's lookup. */
	String refreshTokenLookup(String id, String user, String jti) {
		return "r" + id.length() + ":" + id + user + ":" + jti;
	}

	/** Asserts that the dump of the store shows a document holding the digest. */
	void assertDocumentHoldsDigest(String dump, String digest) {
		assertThat(dump).contains("\"digest\":\"" + digest + "\"");
	}

	/** Asserts that what the key holds expires. */
	void assertExpires(String key) {
		assertThat(this.redis.pttl(key)).as("TTL of %s", key).isPositive();
	}

	/** The Redis commands of a rotation (find and save) by name. */
	Map<String, Long> rotationCommands() {
		// find 3 (GET lookup, EXISTS record, GET authorization), save 13 (GET, DEL the old access token's lookup,
		// SET rotated-out lookup, SET x2 new lookups, DEL the old record, ZREM, SET record, ZADD, ZREMRANGEBYSCORE,
		// ZRANGE, PEXPIREAT, SET)
		return Map.of("evalsha", 2L, "get", 3L, "exists", 1L, "set", 5L, "del", 2L, "zrem", 1L, "zadd", 1L,
				"zremrangebyscore", 1L, "zrange", 1L, "pexpireat", 1L);
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
		events.clear();
	}

	private static String recordKey(OAuth2Authorization authorization) {
		return "refresh_token:" + authorization.getPrincipalName() + ":" + jtiOf(authorization);
	}

	private static String jtiOf(OAuth2Authorization authorization) {
		TokenDigester digester = TokenDigester.sha256();
		return digester.jti(digester.digest(valueOf(authorization, TokenKind.REFRESH_TOKEN)));
	}

	@Test
	void saveWhenRefreshTokenThenRecordAsRedisCliSeesIt() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		List<String> recordKeys = redis.scanAllKeys().stream().filter((key) -> key.startsWith("refresh_token:")).toList();
		assertThat(recordKeys).containsExactly(recordKey(authorization));
		String jti = jtiOf(authorization);
		assertThat(jti).matches("[A-Za-z0-9_-]{22}");
		JsonNode record = JSON.readTree(redis.get(recordKey(authorization)));
		OAuth2RefreshToken refreshToken = authorization.getRefreshToken().getToken();
		assertThat(record.get("user_id").asString()).isEqualTo("alice");
		assertThat(record.get("jti").asString()).isEqualTo(jti);
		assertThat(record.get("client_id").asString()).isEqualTo(authorization.getRegisteredClientId());
		assertThat(record.get("authorization_id").asString()).isEqualTo(authorization.getId());
		assertThat(Instant.parse(record.get("created_at").asString()))
			.isCloseTo(refreshToken.getIssuedAt(), within(Duration.ofSeconds(1)));
		assertThat(Instant.parse(record.get("expires_at").asString()))
			.isCloseTo(refreshToken.getExpiresAt(), within(Duration.ofSeconds(1)));
		assertThat(record.get("created_at").asString()).endsWith("Z");
		long lifetime = Duration.between(refreshToken.getIssuedAt(), refreshToken.getExpiresAt()).toSeconds();
		assertThat(redis.ttl(recordKey(authorization))).isBetween(lifetime + 60 - 2, lifetime + 60);
	}

	@Test
	void saveWhenAnyAuthorizationThenEveryKeyExpires() {
		service.save(TestAuthorizations.authorizationCodeGrant("alice"));
		service.save(TestAuthorizations.awaitingConsent("bob"));
		service.save(TestAuthorizations.deviceGrant("carol"));
		List<String> keys = redis.scanAllKeys();
		assertThat(keys).isNotEmpty();
		for (String key : keys) {
			assertExpires(key);
		}
	}

	@Test
	void saveWhenGrantsSavedThenSevenKeysPerOidcGrantAndOnlyDigestsAtRest() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		OAuth2Authorization consent = TestAuthorizations.awaitingConsent("alice");
		OAuth2Authorization device = TestAuthorizations.deviceGrant("alice");
		service.save(authorization);
		// authorization, refresh-token record, user index, and the lookups of code, access, refresh and ID token
		assertThat(redis.scanAllKeys()).hasSize(3 + (int) lookupKeyCount());
		assertThat(lookupCount()).isEqualTo(4);
		service.save(consent);
		service.save(device);
		String dump = redis.dumpAllKeysAndValues();
		for (OAuth2Authorization saved : List.of(authorization, consent, device)) {
			for (TokenKind kind : TokenKind.values()) {
				String value = valueOf(saved, kind);
				if (value != null) {
					assertThat(dump).as("%s value at rest", kind).doesNotContain(value);
				}
			}
		}
		assertThat(dump).contains(TokenDigester.sha256().digest(valueOf(authorization, TokenKind.ACCESS_TOKEN)));
	}

	@Test
	void findByTokenWhenRecordDeletedExternallyThenRefreshTokenUnknown() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String refresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		assertThat(service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN)).isNotNull();
		assertThat(redis.del(recordKey(authorization))).isEqualTo(1);
		assertThat(service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(service.findByToken(refresh, null)).isNull();
	}

	@Test
	void findByTokenWhenRecordExpiredThenRefreshTokenUnknown() throws InterruptedException {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String refresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		assertThat(redis.command("PEXPIRE", recordKey(authorization), "20")).isEqualTo(1L);
		Thread.sleep(100);
		assertThat(redis.exists(recordKey(authorization))).as("record expired by Redis").isFalse();
		assertThat(service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(service.findByToken(refresh, null)).isNull();
		assertThat(service.findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null))
			.as("the grant's other tokens are still found").isNotNull();
	}

	@Test
	void findByTokenWhenLookupLeftBehindByACrashThenTokenUnknown() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String oldRefresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		String oldAccess = valueOf(authorization, TokenKind.ACCESS_TOKEN);
		String oldDigest = TokenDigester.sha256().digest(oldAccess);
		String oldLookup = lookup(oldDigest);
		assertThat(oldLookup).isNotNull();
		service.save(TestAuthorizations.rotate(service.findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN)));
		assertThat(lookupExists(oldDigest)).isFalse();
		// as if a crash had left the old access token's lookup behind: it names an authorization that exists but
		// no longer holds that digest
		writeLookup(oldDigest, oldLookup);
		assertThat(service.findByToken(oldAccess, OAuth2TokenType.ACCESS_TOKEN)).isNull();
		assertThat(service.findByToken(oldAccess, null)).isNull();
		assertThat(service.findById(authorization.getId())).isNotNull();
	}

	@Test
	void saveWhenRecordDeletedExternallyThenNotRecreated() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null);
		redis.del(recordKey(authorization));
		service.save(OAuth2Authorization.from(found).attribute("later", "save").build());
		assertThat(redis.exists(recordKey(authorization))).isFalse();
		assertThat(service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), null)).isNull();
	}

	@Test
	void saveWhenRotatedThenOldRecordGoneAndNewRecordWritten() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		OAuth2Authorization rotated = TestAuthorizations
			.rotate(service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), null));
		service.save(rotated);
		assertThat(redis.exists(recordKey(authorization))).isFalse();
		assertThat(redis.exists(recordKey(rotated))).isTrue();
		assertThat(registry.findByUser("alice")).extracting(RefreshTokenRecord::jti).containsExactly(jtiOf(rotated));
		// lookups of the code, the new access, refresh and ID tokens, and the rotated-out refresh token (for reuse)
		assertThat(lookupCount()).isEqualTo(5);
	}

	@Test
	void saveWhenRefreshTokenRevokedThenRecordGoneAndEventPublished() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), null);
		service.save(TestAuthorizations.revokeRefreshToken(found));
		assertThat(redis.exists(recordKey(authorization))).isFalse();
		assertThat(registry.findByUser("alice")).isEmpty();
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.getCause()).isEqualTo(RevocationCause.RFC7009);
			assertThat(event.getUserId()).isEqualTo("alice");
			assertThat(event.getJtis()).containsExactly(jtiOf(authorization));
		});
	}

	@Test
	void roundTripsWhenStandaloneThenSaveOneFindOneRemoveOne() {
		OAuth2Authorization warmUp = TestAuthorizations.authorizationCodeGrant("warm");
		service.save(warmUp);
		service.findByToken(valueOf(warmUp, TokenKind.REFRESH_TOKEN), null);
		service.findById(warmUp.getId());
		service.remove(warmUp);

		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		assertThat(counter.countDuring(() -> service.save(authorization))).isEqualTo(1);
		for (TokenKind kind : List.of(TokenKind.ACCESS_TOKEN, TokenKind.REFRESH_TOKEN, TokenKind.ID_TOKEN)) {
			assertThat(counter.countDuring(() -> service.findByToken(valueOf(authorization, kind), null)))
				.as("findByToken(%s)", kind)
				.isEqualTo(1);
		}
		for (TokenKind kind : List.of(TokenKind.AUTHORIZATION_CODE, TokenKind.ACCESS_TOKEN)) {
			assertThat(counter.countDuring(() -> service.findByToken(valueOf(authorization, kind),
					OAuth2TokenType.REFRESH_TOKEN)))
				.as("findByToken(%s) asked as a refresh token", kind)
				.isEqualTo(1);
		}
		assertThat(counter.countDuring(() -> service.findByToken(TestAuthorizations.randomValue(), null)))
			.isEqualTo(1);
		assertThat(counter.countDuring(() -> service.findById(authorization.getId()))).isEqualTo(1);
		OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), null);
		assertThat(counter.countDuring(() -> service.save(TestAuthorizations.rotate(found)))).isEqualTo(1);
		assertThat(counter.countDuring(() -> service.remove(authorization))).isEqualTo(1);
	}

	@Test
	void rotateWhenStandaloneThenSixteenCommandsInsideTwoScripts() {
		// both scripts loaded first: a script Redis does not hold yet costs a NOSCRIPT EVALSHA and an EVAL
		OAuth2Authorization warmUp = TestAuthorizations.authorizationCodeGrant("warm");
		service.save(warmUp);
		service.save(TestAuthorizations.rotate(
				service.findByToken(valueOf(warmUp, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN)));
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		Map<String, Long> before = redis.commandStats();
		OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN),
				OAuth2TokenType.REFRESH_TOKEN);
		service.save(TestAuthorizations.rotate(found));
		Map<String, Long> after = redis.commandStats();
		Map<String, Long> calls = new java.util.TreeMap<>();
		after.forEach((name, count) -> {
			long done = count - before.getOrDefault(name, 0L);
			if (done > 0 && !name.equals("info")) {
				calls.put(name, done);
			}
		});
		// what Redis runs for a rotation is the store's server-side cost
		assertThat(calls).containsExactlyInAnyOrderEntriesOf(rotationCommands());
	}

	@Test
	void roundTripsWhenRotatedOutTokenPresentedThenTwoWithAndWithoutGracePeriod() {
		RedisOAuth2AuthorizationService graceful = newService();
		graceful.setRotationGracePeriod(Duration.ofMinutes(1));
		OAuth2Authorization warmUp = TestAuthorizations.authorizationCodeGrant("warm");
		service.save(warmUp);
		service.findById(warmUp.getId());
		service.remove(warmUp);
		for (RedisOAuth2AuthorizationService store : List.of(graceful, service)) {
			OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
			store.save(authorization);
			String first = valueOf(authorization, TokenKind.REFRESH_TOKEN);
			store.save(TestAuthorizations.rotate(store.findByToken(first, OAuth2TokenType.REFRESH_TOKEN)));
			AtomicReference<OAuth2Authorization> found = new AtomicReference<>();
			assertThat(counter.countDuring(() -> found.set(store.findByToken(first, OAuth2TokenType.REFRESH_TOKEN))))
				.as("the predecessor presented again, grace period %s", store == graceful ? "1m" : "0")
				.isEqualTo(2);
			if (store == graceful) {
				assertThat(found.get()).as("accepted within the grace period").isNotNull();
			}
			else {
				assertThat(found.get()).as("reuse: the grant is revoked").isNull();
				assertThat(store.findById(authorization.getId())).isNull();
			}
		}
	}

	@Test
	void findByTokenWhenKeyNamesAreNotAsciiThenFoundInOneRoundTrip() {
		RedisOAuth2AuthorizationService unicode = newService();
		unicode.setKeys(keys("ñämespace-用户", "réfresh"));
		OAuth2Authorization authorization = OAuth2Authorization
			.from(TestAuthorizations.authorizationCodeGrant("ünïcødé 用户"))
			.id("ïd-" + UUID.randomUUID() + "-用户")
			.build();
		unicode.save(authorization);
		for (TokenKind kind : List.of(TokenKind.ACCESS_TOKEN, TokenKind.REFRESH_TOKEN, TokenKind.ID_TOKEN)) {
			OAuth2Authorization found = unicode.findByToken(valueOf(authorization, kind), null);
			assertThat(found).as("findByToken(%s)", kind).isNotNull();
			assertThat(found.getId()).isEqualTo(authorization.getId());
			assertThat(counter.countDuring(() -> unicode.findByToken(valueOf(authorization, kind), null))).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "#0", "#7", "#", "plain" })
	void saveWhenAuthorizeRequestHasAParameterNamedDigestThenItRoundTripsAsData(String parameter) {
		// a client may add any parameter to /oauth2/authorize; SAS keeps it in the authorization request
		OAuth2Authorization grant = TestAuthorizations.authorizationCodeGrant("alice");
		OAuth2AuthorizationRequest request = grant.getAttribute(OAuth2AuthorizationRequest.class.getName());
		Map<String, Object> parameters = new java.util.HashMap<>(request.getAdditionalParameters());
		parameters.put("digest", parameter);
		OAuth2Authorization authorization = OAuth2Authorization.from(grant)
			.attribute(OAuth2AuthorizationRequest.class.getName(),
					OAuth2AuthorizationRequest.from(request).additionalParameters(parameters).build())
			.build();
		service.save(authorization);
		for (TokenKind kind : List.of(TokenKind.AUTHORIZATION_CODE, TokenKind.ACCESS_TOKEN, TokenKind.REFRESH_TOKEN)) {
			OAuth2Authorization found = service.findByToken(valueOf(authorization, kind), null);
			assertThat(found).as(kind.name()).isNotNull();
			assertThat(found.<OAuth2AuthorizationRequest>getAttribute(OAuth2AuthorizationRequest.class.getName())
				.getAdditionalParameters()).containsEntry("digest", parameter);
		}
	}

	@Test
	void saveWhenRotatedThenOnlyNewSecretsWritten() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), null);
		OAuth2Authorization rotated = TestAuthorizations.rotate(found);
		Map<String, Long> before = redis.commandStats();
		service.save(rotated);
		Map<String, Long> after = redis.commandStats();
		// the authorization, new access and refresh lookups, the new record, the rotated-out marker; code and ID
		// token lookups stay (lookups as hash fields are written with HSETEX)
		long writes = 0;
		for (String command : List.of("set", "hsetex")) {
			writes += after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
		}
		assertThat(writes).isEqualTo(5);
	}

	@Test
	void roundTripsWhenRegistryUsedThenListTwoRevokeOneTwoRevokeAllThree() {
		for (int i = 0; i < 3; i++) {
			service.save(TestAuthorizations.authorizationCodeGrant("alice"));
		}
		registry.findByUser("warm");
		registry.revokeAll("warm", RevocationCause.OPS);
		String jti = registry.findByUser("alice").get(0).jti();
		Map<String, Long> before = redis.commandStats();
		assertThat(counter.countDuring(() -> registry.findByUser("alice"))).isEqualTo(2);
		assertThat(counter.countDuring(() -> registry.revoke("alice", jti, RevocationCause.OPS))).isEqualTo(2);
		assertThat(counter.countDuring(() -> registry.revokeAll("alice", RevocationCause.OPS))).isEqualTo(3);
		Map<String, Long> after = redis.commandStats();
		assertThat(after.getOrDefault("scan", 0L)).isEqualTo(before.getOrDefault("scan", 0L));
		assertThat(after.getOrDefault("keys", 0L)).isEqualTo(before.getOrDefault("keys", 0L));
	}

	static List<String> awkwardNames() {
		return OAuth2AuthorizationServiceContractTests.AWKWARD_NAMES;
	}

	@ParameterizedTest
	@MethodSource("awkwardNames")
	void registryWhenPrincipalNameIsAwkwardThenOnlyThatUsersTokens(String principalName) {
		for (String name : awkwardNames()) {
			service.save(TestAuthorizations.authorizationCodeGrant(name));
		}
		OAuth2Authorization mine = TestAuthorizations.authorizationCodeGrant(principalName);
		service.save(mine);
		List<RefreshTokenRecord> records = registry.findByUser(principalName);
		assertThat(records).hasSize(2).allSatisfy((record) -> assertThat(record.userId()).isEqualTo(principalName));
		assertThat(redis.exists(recordKey(mine))).isTrue();
		List<RefreshTokenRecord> revoked = registry.revokeAll(principalName, RevocationCause.OPS);
		assertThat(revoked).hasSize(2);
		assertThat(registry.findByUser(principalName)).isEmpty();
		for (String name : awkwardNames()) {
			if (!name.equals(principalName)) {
				assertThat(registry.findByUser(name)).as("tokens of %s", name).hasSize(1);
			}
		}
	}

	@Test
	void registryWhenRevokeOneThenWholeGrantGone() {
		OAuth2Authorization first = TestAuthorizations.authorizationCodeGrant("alice");
		OAuth2Authorization second = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(first);
		service.save(second);
		assertThat(registry.findByUser("alice")).extracting(RefreshTokenRecord::jti)
			.containsExactlyInAnyOrder(jtiOf(first), jtiOf(second));
		Optional<RefreshTokenRecord> revoked = registry.revoke("alice", jtiOf(first), RevocationCause.OPS);
		assertThat(revoked).map(RefreshTokenRecord::authorizationId).hasValue(first.getId());
		for (TokenKind kind : TokenKind.values()) {
			String value = valueOf(first, kind);
			if (value != null) {
				assertThat(service.findByToken(value, null)).as("%s after revoke", kind).isNull();
			}
		}
		assertThat(service.findById(first.getId())).isNull();
		assertThat(service.findByToken(valueOf(second, TokenKind.REFRESH_TOKEN), null)).isNotNull();
		assertThat(registry.revoke("alice", jtiOf(first), RevocationCause.OPS)).isEmpty();
		assertThat(registry.revoke("bob", jtiOf(second), RevocationCause.OPS)).isEmpty();
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.getCause()).isEqualTo(RevocationCause.OPS);
			assertThat(event.getJtis()).containsExactly(jtiOf(first));
		});
		assertThat(redis.scanAllKeys()).noneMatch((key) -> key.contains(first.getId()));
	}

	@Test
	void registryWhenJtiCarriesTheRestOfAnotherUsersNameThenNothingFoundOrRevoked() {
		OAuth2Authorization othersGrant = TestAuthorizations.authorizationCodeGrant("a:b");
		service.save(othersGrant);
		service.save(TestAuthorizations.authorizationCodeGrant("a"));
		String sneakyJti = "b:" + jtiOf(othersGrant);
		assertThat(redis.exists("refresh_token:a:" + sneakyJti)).as("the key user a's lookup would name").isTrue();
		assertThat(registry.findByUserAndJti("a", sneakyJti)).isEmpty();
		assertThat(registry.revoke("a", sneakyJti, RevocationCause.OPS)).isEmpty();
		assertThat(service.findByToken(valueOf(othersGrant, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN))
			.as("user a:b's grant").isNotNull();
		assertThat(registry.findByUser("a:b")).extracting(RefreshTokenRecord::jti).containsExactly(jtiOf(othersGrant));
		assertThat(registry.findByUser("a")).hasSize(1);
		assertThat(events).isEmpty();
	}

	@Test
	void registryWhenListedThenSortedByCreationAndExpiredPruned() {
		Instant now = Instant.now();
		OAuth2Authorization older = withRefreshToken("alice", now.minusSeconds(120), now.plusSeconds(3600));
		OAuth2Authorization newer = withRefreshToken("alice", now.minusSeconds(10), now.plusSeconds(600));
		OAuth2Authorization expired = withRefreshToken("alice", now.minusSeconds(7200), now.minusSeconds(30));
		service.save(newer);
		service.save(older);
		service.save(expired);
		assertThat(registry.findByUser("alice")).extracting(RefreshTokenRecord::authorizationId)
			.containsExactly(older.getId(), newer.getId());
		assertThat(redis.zrange("oauth2:user_refresh_tokens:alice")).hasSize(2);
		assertThat(registry.findByUser("nobody")).isEmpty();
	}

	private static OAuth2Authorization withRefreshToken(String principalName, Instant issuedAt, Instant expiresAt) {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant(principalName);
		return OAuth2Authorization.from(authorization)
			.refreshToken(new OAuth2RefreshToken(TestAuthorizations.randomValue(), issuedAt, expiresAt))
			.build();
	}

	@Test
	void saveWhenStaleWriterIssuesTokensThenRejected() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String refresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		OAuth2Authorization readByFirst = service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN);
		OAuth2Authorization readBySecond = service.findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN);
		OAuth2Authorization winner = TestAuthorizations.rotate(readByFirst);
		service.save(winner);
		assertThatExceptionOfType(ConcurrentAuthorizationChangeException.class)
			.isThrownBy(() -> service.save(TestAuthorizations.rotate(readBySecond)))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
		assertThat(registry.findByUser("alice")).extracting(RefreshTokenRecord::jti).containsExactly(jtiOf(winner));
		assertThat(service.findByToken(valueOf(winner, TokenKind.REFRESH_TOKEN), null)).isNotNull();
	}

	@Test
	void saveWhenStaleWriterOnlyChangesMetadataThenAccepted() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		OAuth2Authorization first = service.findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null);
		OAuth2Authorization second = service.findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null);
		service.save(OAuth2Authorization.from(first).attribute("a", "1").build());
		service.save(OAuth2Authorization.from(second).attribute("b", "2").build());
		assertThat(service.findById(authorization.getId()).<String>getAttribute("b")).isEqualTo("2");
	}

	@Test
	void saveWhenAuthorizationRemovedMeanwhileThenRejected() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), null);
		registry.revoke("alice", jtiOf(authorization), RevocationCause.OPS);
		assertThatExceptionOfType(ConcurrentAuthorizationChangeException.class)
			.isThrownBy(() -> service.save(TestAuthorizations.revokeRefreshToken(found)));
		assertThat(redis.scanAllKeys()).isEmpty();
	}

	@Test
	void saveWhenHmacDigesterThenDigestsDifferFromSha256() {
		RedisOAuth2AuthorizationService keyed = newService();
		keyed.setDigester(TokenDigester.hmacSha256("0123456789abcdef0123456789abcdef".getBytes()));
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		keyed.save(authorization);
		String access = valueOf(authorization, TokenKind.ACCESS_TOKEN);
		assertThat(redis.dumpAllKeysAndValues()).doesNotContain(TokenDigester.sha256().digest(access));
		assertThat(keyed.findByToken(access, null)).isNotNull();
		assertThat(service.findByToken(access, null)).isNull();
	}

	@Test
	void saveWhenReplicasAwaitedButNoneAnswerThenFailsClosed() {
		RedisOAuth2AuthorizationService waiting = newService();
		waiting.setReplicasToAwait(1, Duration.ofMillis(100));
		assertThatExceptionOfType(AuthorizationStoreUnavailableException.class)
			.isThrownBy(() -> waiting.save(TestAuthorizations.authorizationCodeGrant("alice")))
			.withMessageContaining("0 of 1 Redis replicas");
	}

	@Test
	void saveWhenOidcGrantThenDocumentCompressedToUnderAFourthOfItsJson() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String key = "oauth2:authorization:" + authorization.getId();
		String stored = redis.authorization(key).get("d");
		String json = redis.document(key);
		assertThat(stored).startsWith("z1:");
		assertThat(JSON.readTree(json).get("id").asString()).isEqualTo(authorization.getId());
		assertThat(stored.length()).as("stored bytes of a %d byte document", json.length())
			.isLessThan(json.length() / 4);
	}

	@Test
	void findWhenDocumentsWrittenPlainAndCompressedThenEachStoreReadsBoth() {
		// a rolling change of sas-redis.compress-documents: old and new instances share one Redis
		RedisOAuth2AuthorizationService plain = newService();
		plain.setDocumentEncoding(DocumentEncoding.plain());
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		String hashKey = "oauth2:authorization:" + authorization.getId();
		plain.save(authorization);
		assertThat(redis.authorization(hashKey).get("d")).startsWith("{");
		OAuth2Authorization found = service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN),
				OAuth2TokenType.REFRESH_TOKEN);
		assertThat(found).isNotNull();
		OAuth2Authorization rotated = TestAuthorizations.rotate(found);
		service.save(rotated);
		assertThat(redis.authorization(hashKey).get("d")).startsWith("z1:");
		OAuth2Authorization foundByPlain = plain.findByToken(valueOf(rotated, TokenKind.ACCESS_TOKEN),
				OAuth2TokenType.ACCESS_TOKEN);
		assertThat(foundByPlain).isNotNull();
		assertThat(foundByPlain.getId()).isEqualTo(authorization.getId());
		assertThat(foundByPlain.getAccessToken().getToken().getScopes())
			.isEqualTo(rotated.getAccessToken().getToken().getScopes());
		assertThat(foundByPlain.getAccessToken().getToken().getTokenValue())
			.isEqualTo(valueOf(rotated, TokenKind.ACCESS_TOKEN));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "garbage", "1\n2\n3", "1\nj\nrt\n0\n\n\n\nx:", "1\nj\nrt\n0\n\n\n\n99:short",
			"1\nj\nrt\n0\n\n\n\n0:z1:not deflate" })
	void findWhenAuthorizationValueMalformedThenNotFoundAndOverwrittenBySave(String malformed) {
		// a value the store did not write (or a damaged one): never a server error, and the next save repairs it
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String key = "oauth2:authorization:" + authorization.getId();
		redis.command("SET", key, malformed);
		boolean readable = malformed.contains("z1:");
		for (TokenKind kind : List.of(TokenKind.ACCESS_TOKEN, TokenKind.ID_TOKEN)) {
			if (readable) {
				assertThatIllegalStateException().isThrownBy(() -> service.findByToken(valueOf(authorization, kind), null))
					.withMessageNotContaining(valueOf(authorization, kind));
			}
			else {
				assertThat(service.findByToken(valueOf(authorization, kind), null)).as(kind.name()).isNull();
			}
		}
		if (!readable) {
			assertThat(service.findById(authorization.getId())).isNull();
		}
		OAuth2Authorization fresh = OAuth2Authorization.from(TestAuthorizations.authorizationCodeGrant("alice"))
			.id(authorization.getId())
			.build();
		service.save(fresh);
		assertThat(service.findByToken(valueOf(fresh, TokenKind.ACCESS_TOKEN), null)).isNotNull();
		service.remove(fresh);
		assertThat(redis.exists(key)).isFalse();
	}

	@Test
	void saveWhenUserIdLooksLikeTheHeaderThenEveryOperationStillWorks() {
		// the record key goes into the authorization's value by its length: a user id made of newlines, spaces,
		// colons and digits must not shift the header's fields
		String user = "a\nb c:d\n\n\n\n\n\n\n9:x";
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant(user);
		service.save(authorization);
		String key = "oauth2:authorization:" + authorization.getId();
		String refreshDigest = TokenDigester.sha256().digest(valueOf(authorization, TokenKind.REFRESH_TOKEN));
		assertThat(redis.authorization(key)).containsEntry("rk",
				"refresh_token:" + user + ":" + TokenDigester.sha256().jti(refreshDigest));
		for (TokenKind kind : List.of(TokenKind.ACCESS_TOKEN, TokenKind.REFRESH_TOKEN, TokenKind.ID_TOKEN)) {
			OAuth2Authorization found = service.findByToken(valueOf(authorization, kind), null);
			assertThat(found).as(kind.name()).isNotNull();
			assertThat(found.getPrincipalName()).isEqualTo(user);
		}
		OAuth2Authorization rotated = TestAuthorizations
			.rotate(service.findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN), OAuth2TokenType.REFRESH_TOKEN));
		service.save(rotated);
		assertThat(registry.findByUser(user)).hasSize(1);
		OAuth2Authorization found = service.findByToken(valueOf(rotated, TokenKind.REFRESH_TOKEN),
				OAuth2TokenType.REFRESH_TOKEN);
		assertThat(found).isNotNull();
		service.remove(found);
		assertThat(redis.scanAllKeys()).noneMatch((k) -> k.contains(user) || k.equals(key));
	}

	@Test
	void findWhenAuthorizationKeyHoldsAHashThenNotFoundAndRemovable() {
		// what an earlier snapshot of this store wrote: read as no authorization, never WRONGTYPE
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String key = "oauth2:authorization:" + authorization.getId();
		redis.del(key);
		redis.command("HSET", key, "d", "z1:AAAA", "v", "1");
		assertThat(service.findById(authorization.getId())).isNull();
		assertThat(service.findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null)).isNull();
		service.remove(authorization);
		assertThat(redis.exists(key)).isFalse();
	}

	@Test
	void dumpWhenDocumentCompressedThenShowsItsJson() {
		// the "no token value at rest" tests search this dump: it must see inside compressed documents
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String accessDigest = TokenDigester.sha256().digest(valueOf(authorization, TokenKind.ACCESS_TOKEN));
		assertThat(redis.authorization("oauth2:authorization:" + authorization.getId()).get("d")).startsWith("z1:");
		String dump = redis.dumpAllKeysAndValues();
		assertThat(dump).contains("decompressed: {\"id\":\"" + authorization.getId());
		assertDocumentHoldsDigest(dump, accessDigest);
	}

	@Test
	void keysWhenListedThenMatchDocumentedLayout() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("alice");
		service.save(authorization);
		String authorizationKey = "oauth2:authorization:" + authorization.getId();
		assertThat(redis.type(authorizationKey)).isEqualTo("string");
		Map<String, String> stored = redis.authorization(authorizationKey);
		String refreshDigest = TokenDigester.sha256().digest(valueOf(authorization, TokenKind.REFRESH_TOKEN));
		String jti = TokenDigester.sha256().jti(refreshDigest);
		assertThat(stored).containsEntry("v", "1")
			.containsEntry("j", jti)
			.containsEntry("rt", refreshDigest)
			.containsEntry("rk", "refresh_token:alice:" + jti)
			.containsEntry("p", "")
			.containsEntry("pt", "");
		// the code's, the access token's and the ID token's lookups; the refresh token's is rt
		assertThat(stored.get("ix").split(" ")).hasSize(3)
			.doesNotContain(refreshDigest)
			.allSatisfy((digest) -> assertThat(lookupExists(digest)).isTrue());
		// lookups name the authorization and the record without the prefixes every such key has
		String id = authorization.getId();
		assertThat(lookup(refreshDigest)).isEqualTo(refreshTokenLookup(id, "alice", jti));
		String accessDigest = TokenDigester.sha256().digest(valueOf(authorization, TokenKind.ACCESS_TOKEN));
		assertThat(lookup(accessDigest)).isEqualTo("a" + id.length() + ":" + id);
		assertThat(Long.parseLong(stored.get("re")))
			.isEqualTo(authorization.getRefreshToken().getToken().getExpiresAt().toEpochMilli());
		assertThat(redis.document(authorizationKey)).startsWith("{\"id\":\"" + authorization.getId());
		assertThat(redis.type("oauth2:user_refresh_tokens:alice")).isEqualTo("zset");
		assertThat(redis.scanAllKeys()).allMatch((key) -> key.startsWith("oauth2:authorization:")
				|| isLookupKey(key) || key.startsWith("oauth2:user_refresh_tokens:")
				|| key.startsWith("refresh_token:alice:"));
	}

}
