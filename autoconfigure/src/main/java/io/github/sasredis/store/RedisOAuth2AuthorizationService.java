package io.github.sasredis.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.github.sasredis.store.mapping.DigestPlaceholders;
import io.github.sasredis.store.mapping.DocumentEncoding;
import io.github.sasredis.store.mapping.OAuth2AuthorizationDocumentMapper;
import io.github.sasredis.store.mapping.RefreshTokenRecordMapper;
import io.github.sasredis.store.mapping.StoredAuthorization;
import io.github.sasredis.store.mapping.TokenKind;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.util.Assert;

/**
 * An {@link OAuth2AuthorizationService} that keeps authorizations in Redis, holding no token value at rest, and
 * records every live refresh token under {@code refresh_token:{user_id}:{jti}} for operators and existing tooling.
 *
 * <h2>Storage details</h2>
 * Keys, with the default namespace {@code oauth2} and refresh-token prefix {@code refresh_token}, in the standalone
 * layout (see {@link RedisKeys} for the cluster layout, which adds a {@code {<user id>}} hash tag):
 * <ul>
 * <li>{@code oauth2:authorization:<id>}: a string ({@code authorization.lua} next to this class): a header of its
 * version, its refresh token's jti, digest and expiry, after a rotation the predecessor's digest and the rotation
 * time, the digests of its other lookups and its refresh-token record key, then the authorization's document
 * (written by {@link OAuth2AuthorizationDocumentMapper}, with digests in place of every token value and of
 * {@code state}, compressed by {@link DocumentEncoding}). TTL: the latest expiry of its tokens + grace.</li>
 * <li>{@code oauth2:token:<digest>}: one per token, code or state, holding its kind, the authorization's key and,
 * for a refresh token, its record key, both without their prefix ({@link Lookup}). TTL: that token's expiry +
 * grace. After a rotation the old refresh token's lookup stays, marked rotated-out, until the old token would
 * have expired, to detect its reuse. With hash-field lookups ({@link RedisKeys}, Redis 8.0+) the lookup is instead
 * the field {@code <digest>} of the hash {@code oauth2:tokens:<first two characters of the digest>}, with the same
 * TTL of its own, and without the record key (taken from the authorization); the document then refers to the
 * digests its header holds by position instead of repeating them
 * ({@link OAuth2AuthorizationDocumentMapper#read(String, TokenKind, String, Map, List)}).</li>
 * <li>{@code refresh_token:<user id>:<jti>}: the refresh-token record, JSON ({@link RefreshTokenRecordMapper}).
 * TTL: the token's lifetime + grace. It is the authority for its token: when it is gone, the refresh token is
 * refused.</li>
 * <li>{@code oauth2:user_refresh_tokens:<user id>}: a sorted set of the user's jtis scored by expiry (epoch ms),
 * pruned by every write that touches it. TTL: its latest member's expiry + grace.</li>
 * </ul>
 * Commands: {@link #save} is one {@code EVALSHA} of {@code save.lua} (compare the version, write the authorization,
 * lookups, record and index, delete what the authorization no longer holds); {@link #findByToken} is one
 * {@code EVALSHA} of {@code find_by_token.lua} that reads the lookup key, then the authorization if the record (for a
 * refresh token) still exists (in the cluster layout a {@code GET} of the lookup key, then one {@code EVALSHA} of
 * {@code find.lua}); {@link #findById} one {@code EVALSHA}; {@link #remove} one {@code EVALSHA} of
 * {@code remove.lua}. In the cluster layout lookups are written and deleted after the script, one command each.
 * With {@link #setReplicasToAwait} every write is followed by {@code WAIT}. No {@code KEYS} or {@code SCAN}.
 *
 * <h2>Token values</h2>
 * Redis holds only digests ({@link TokenDigester}). {@link #findByToken} puts the presented value back into the
 * matching token; the other tokens of the returned authorization carry a placeholder naming their digest
 * ({@link DigestPlaceholders}), which {@link #save} recognises and does not hash again. {@link #findById} returns
 * placeholders only.
 *
 * <h2>Concurrent writers</h2>
 * An authorization read from the store carries its version in the attribute {@link #VERSION_ATTRIBUTE}. Saving
 * it after another writer changed it fails with {@link ConcurrentAuthorizationChangeException} when the save would
 * add a token (so two requests racing with one code or one rotated refresh token cannot both get tokens); saving
 * it after it was removed fails the same way.
 */
public class RedisOAuth2AuthorizationService implements OAuth2AuthorizationService {

	/** Attribute that carries the version an authorization was read at; never written to Redis. */
	public static final String VERSION_ATTRIBUTE = RedisOAuth2AuthorizationService.class.getName() + ".VERSION";

	/** Default grace added to every key's time to live. */
	public static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);

	/** Default time to live of what carries no expiry, such as an authorization awaiting consent. */
	public static final Duration DEFAULT_TTL_WITHOUT_EXPIRY = Duration.ofMinutes(30);

	private static final long MIN_TTL_MILLIS = 1000;

	private final RedisOperations<String, String> redis;

	private RedisKeys keys = new RedisKeys();

	private OAuth2AuthorizationDocumentMapper documentMapper = new OAuth2AuthorizationDocumentMapper();

	private DocumentEncoding documentEncoding = DocumentEncoding.compressed();

	private RefreshTokenRecordMapper recordMapper = new RefreshTokenRecordMapper();

	private TokenDigester digester = TokenDigester.sha256();

	private Duration grace = DEFAULT_GRACE;

	private Duration ttlWithoutExpiry = DEFAULT_TTL_WITHOUT_EXPIRY;

	private Duration rotationGracePeriod = Duration.ZERO;

	private ReplicaAcknowledgement replicas = ReplicaAcknowledgement.NONE;

	private Clock clock = Clock.systemUTC();

	private ApplicationEventPublisher eventPublisher = (event) -> {
	};

	private @Nullable RegisteredClientRepository registeredClientRepository;

	private StoreOperationListener listener = StoreOperationListener.NONE;

	private final RefreshTokenReuse reuse = new RefreshTokenReuse(this);

	/**
	 * Creates a store on the given Redis operations, which must read and write keys and values as UTF-8 strings
	 * (a {@code StringRedisTemplate}).
	 * @param redis the Redis operations
	 */
	public RedisOAuth2AuthorizationService(RedisOperations<String, String> redis) {
		Assert.notNull(redis, "redis cannot be null");
		this.redis = redis;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		Assert.notNull(authorization, "authorization cannot be null");
		observe("save", () -> {
			doSave(authorization);
			return null;
		});
	}

	private void doSave(OAuth2Authorization authorization) {
		SaveCall call = new SaveCall(this, authorization, this.clock.instant());
		List<?> result = this.replicas.write(this.redis, this.keys, (redis) -> {
			List<?> reply = redis.execute(StoreScripts.of(this.keys).save, StoreScripts.ARGS, StoreScripts.STRING_RESULT,
					call.scriptKeys(), call.args());
			long version = asLong(reply.get(0));
			if (version == -1) {
				throw new ConcurrentAuthorizationChangeException(
						"The authorization was changed by another request; the grant was already used");
			}
			if (version == -2) {
				throw new ConcurrentAuthorizationChangeException("The authorization was removed by another request");
			}
			return reply;
		});
		if (this.keys.isClustered()) {
			call.writeLookups(this.redis, result, this.clock.millis());
		}
		RefreshTokenRecord record = call.record();
		if (record != null && asLong(result.get(2)) == 1) {
			this.listener.onRefreshTokenRecorded(record);
		}
		if (record != null && asLong(result.get(1)) == 1) {
			publish(new RefreshTokenRevokedEvent(this, record.userId(), List.of(record), RevocationCause.RFC7009));
		}
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		Assert.notNull(authorization, "authorization cannot be null");
		observe("remove", () -> removeAll(authorization.getPrincipalName(), List.of(authorization.getId())));
	}

	@Override
	public @Nullable OAuth2Authorization findById(String id) {
		Assert.hasText(id, "id cannot be empty");
		return observe("findById", () -> {
			String authorizationKey = this.keys.isClustered()
					? this.redis.opsForValue().get(this.keys.authorizationById(id)) : this.keys.authorization("", id);
			if (authorizationKey == null) {
				return null;
			}
			OAuth2Authorization found = read(List.of(authorizationKey), null, null, null);
			return (found != null && found.getId().equals(id)) ? found : null;
		});
	}

	@Override
	public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
		Assert.hasText(token, "token cannot be empty");
		return observe("findByToken", () -> doFindByToken(token, tokenType));
	}

	private @Nullable OAuth2Authorization doFindByToken(String token, @Nullable OAuth2TokenType tokenType) {
		String digest = this.digester.digest(token);
		String lookupKey = this.keys.token(digest);
		List<?> found = null;
		Lookup lookup;
		if (this.keys.isClustered()) {
			lookup = Lookup.decode(this.redis.opsForValue().get(lookupKey), this.keys);
		}
		else {
			// one round trip: the lookup, the record's existence and the authorization in one script
			found = this.redis.execute(StoreScripts.of(this.keys).findByToken, StoreScripts.ARGS,
					StoreScripts.RAW_RESULT, List.of(lookupKey), this.keys.lookupPrefix(),
					this.keys.authorizationPrefix(), this.keys.refreshTokenRecordPrefix(), digest,
					this.keys.otherLookupPrefix());
			lookup = (found != null && !found.isEmpty())
					? Lookup.decode(StoredAuthorizationReply.nullableText(found.get(0)), this.keys) : null;
		}
		if (lookup == null) {
			return null;
		}
		if (lookup.kind() == Lookup.ROTATED_OUT) {
			// reuse is a rotated-out token presented as a refresh token (the refresh grant, or revocation with that
			// hint); introspection (any type) only learns that the token is not active
			if (!OAuth2TokenType.REFRESH_TOKEN.equals(tokenType)) {
				return null;
			}
			return this.reuse.onPresented(token, digest, (found != null) ? StoredAuthorizationReply.of(found, 1)
					: find(List.of(lookup.authorizationKey())));
		}
		TokenKind kind = TokenKind.ofCode(String.valueOf(lookup.kind()));
		if (kind == null || !kind.matches(tokenType)) {
			return null;
		}
		if (found != null) {
			return toAuthorization(StoredAuthorizationReply.of(found, 1), kind, token, digest);
		}
		List<String> scriptKeys = lookup.recordKey().isEmpty() ? List.of(lookup.authorizationKey())
				: List.of(lookup.authorizationKey(), lookup.recordKey());
		return read(scriptKeys, kind, token, digest);
	}

	private @Nullable OAuth2Authorization read(List<String> scriptKeys, @Nullable TokenKind kind,
			@Nullable String token, @Nullable String digest) {
		return toAuthorization(find(scriptKeys), kind, token, digest);
	}

	private @Nullable StoredAuthorizationReply find(List<String> scriptKeys) {
		return StoredAuthorizationReply.of(this.redis.execute(StoreScripts.of(this.keys).find, StoreScripts.ARGS,
				StoreScripts.RAW_RESULT, scriptKeys), 0);
	}

	/**
	 * The authorization {@code find.lua} (or {@code find_by_token.lua}) found.
	 * @param found what the script read, or {@code null}
	 */
	private @Nullable OAuth2Authorization toAuthorization(@Nullable StoredAuthorizationReply found,
			@Nullable TokenKind kind, @Nullable String token, @Nullable String digest) {
		if (found == null) {
			return null;
		}
		StoredAuthorization stored = readDocument(found, kind, token,
				Map.of(VERSION_ATTRIBUTE, found.version()));
		if (kind != null && !digest.equals(stored.digests().get(kind))) {
			// a lookup left behind (by a crash, or in the other layout after a switch): the authorization no longer
			// holds that secret, or none of that kind
			return null;
		}
		return stored.authorization();
	}

	/**
	 * Removes authorizations of one user and every key they own, in one atomic step (in the cluster layout, the
	 * lookup keys, which live in other slots, right after).
	 * @param userId the principal name of the authorizations
	 * @param authorizationIds their ids
	 * @return per authorization, what was removed
	 */
	List<Removed> removeAll(String userId, List<String> authorizationIds) {
		boolean clustered = this.keys.isClustered();
		List<String> scriptKeys = new ArrayList<>(1 + authorizationIds.size());
		scriptKeys.add(this.keys.userIndex(userId));
		authorizationIds.forEach((id) -> scriptKeys.add(this.keys.authorization(userId, id)));
		List<?> replies = this.replicas.write(this.redis, this.keys, (redis) -> redis.execute(
				StoreScripts.of(this.keys).remove, scriptKeys, Long.toString(this.clock.millis()), clustered ? "0" : "1",
				this.keys.lookupPrefix()));
		List<Removed> removed = new ArrayList<>(replies.size());
		List<String> lookups = new ArrayList<>();
		for (Object entry : replies) {
			List<?> reply = (List<?>) entry;
			removed.add(new Removed(asLong(reply.get(2)) == 1, !"".equals(reply.get(0))));
			String ix = String.valueOf(reply.get(1));
			if (!ix.isEmpty()) {
				lookups.addAll(List.of(ix.split("\\n")));
			}
		}
		if (clustered) {
			authorizationIds.forEach((id) -> lookups.add(this.keys.authorizationById(id)));
			lookups.forEach(this.redis::delete);
		}
		return removed;
	}

	/**
	 * What removing one authorization found.
	 *
	 * @param existed whether the authorization was still there (another request may have removed it first)
	 * @param liveRecord whether its refresh-token record was still there
	 */
	record Removed(boolean existed, boolean liveRecord) {
	}

	<T> T observe(String operation, Supplier<T> action) {
		long start = System.nanoTime();
		Throwable error = null;
		try {
			return action.get();
		}
		catch (DataAccessException ex) {
			error = (ex instanceof AuthorizationStoreUnavailableException) ? ex
					: new AuthorizationStoreUnavailableException(
							"The authorization store cannot reach Redis (" + operation + ")", ex);
			throw (DataAccessException) error;
		}
		catch (RuntimeException | Error ex) {
			error = ex;
			throw ex;
		}
		finally {
			this.listener.onOperation(operation, System.nanoTime() - start, error);
		}
	}

	void publish(RefreshTokenRevokedEvent event) {
		this.eventPublisher.publishEvent(event);
	}

	RedisOperations<String, String> getRedis() {
		return this.redis;
	}

	RedisKeys getKeys() {
		return this.keys;
	}

	TokenDigester getDigester() {
		return this.digester;
	}

	/**
	 * The stored form of an authorization: its document, compressed unless {@link #setDocumentEncoding} says
	 * otherwise.
	 */
	byte[] writeDocument(OAuth2Authorization authorization, Map<TokenKind, String> digests, @Nullable String jti,
			List<String> headerDigests) {
		Map<TokenKind, String> written = digests;
		if (this.keys.hasHashFieldLookups()) {
			// the header holds the digests: the document's tokens name theirs by position (random base64url
			// compresses poorly, about 160 bytes of a grant), which only a reader of this version follows
			written = new EnumMap<>(TokenKind.class);
			for (Map.Entry<TokenKind, String> entry : digests.entrySet()) {
				int position = headerDigests.indexOf(entry.getValue());
				written.put(entry.getKey(), (position >= 0) ? "#" + position : entry.getValue());
			}
		}
		return this.documentEncoding.encode(this.documentMapper.write(authorization, written, jti,
				Set.of(VERSION_ATTRIBUTE)));
	}

	/**
	 * Reads a stored document, compressed or not.
	 */
	StoredAuthorization readDocument(StoredAuthorizationReply found, @Nullable TokenKind presentedKind,
			@Nullable String presentedValue, Map<String, Object> extraAttributes) {
		return this.documentMapper.read(this.documentEncoding.decode(found.document()), presentedKind, presentedValue,
				extraAttributes, found.headerDigests());
	}

	Duration getGrace() {
		return this.grace;
	}

	Duration getTtlWithoutExpiry() {
		return this.ttlWithoutExpiry;
	}

	RefreshTokenRecordMapper getRecordMapper() {
		return this.recordMapper;
	}

	Clock getClock() {
		return this.clock;
	}

	Duration getRotationGracePeriod() {
		return this.rotationGracePeriod;
	}

	String digestOf(String value) {
		String digest = DigestPlaceholders.digestOf(value);
		return (digest != null) ? digest : this.digester.digest(value);
	}

	long ttlMillis(Instant now, @Nullable Instant expiresAt) {
		if (expiresAt == null) {
			return this.ttlWithoutExpiry.toMillis();
		}
		return Math.max(expiresAt.toEpochMilli() - now.toEpochMilli(), 0) + Math.max(this.grace.toMillis(),
				MIN_TTL_MILLIS);
	}

	RefreshTokenRecord recordOf(OAuth2Authorization authorization, String jti, OAuth2Token refreshToken,
			Instant now) {
		Instant issuedAt = (refreshToken.getIssuedAt() != null) ? refreshToken.getIssuedAt() : now;
		Instant expiresAt = (refreshToken.getExpiresAt() != null) ? refreshToken.getExpiresAt()
				: now.plus(this.ttlWithoutExpiry);
		return new RefreshTokenRecord(authorization.getPrincipalName(), jti, clientIdOf(authorization),
				authorization.getId(), issuedAt, expiresAt, authorization.getAuthorizedScopes());
	}

	long recordTtlSeconds(Instant now, RefreshTokenRecord record) {
		long remaining = Duration.between(now, record.expiresAt()).toSeconds();
		return Math.max(remaining, 0) + Math.max(this.grace.toSeconds(), 1);
	}

	String clientIdOf(OAuth2Authorization authorization) {
		if (this.registeredClientRepository != null) {
			RegisteredClient client = this.registeredClientRepository.findById(authorization.getRegisteredClientId());
			if (client != null) {
				return client.getClientId();
			}
		}
		return authorization.getRegisteredClientId();
	}

	private static long asLong(Object value) {
		return (value instanceof Number number) ? number.longValue() : Long.parseLong(String.valueOf(value));
	}

	/**
	 * Sets the key names.
	 * @param keys the key names
	 */
	public void setKeys(RedisKeys keys) {
		Assert.notNull(keys, "keys cannot be null");
		this.keys = keys;
	}

	/**
	 * Sets the mapper of authorizations to stored documents, for example one whose JSON mapper allows the
	 * application's own principal types.
	 * @param documentMapper the mapper
	 */
	public void setDocumentMapper(OAuth2AuthorizationDocumentMapper documentMapper) {
		Assert.notNull(documentMapper, "documentMapper cannot be null");
		this.documentMapper = documentMapper;
	}

	/**
	 * Sets how documents are written: {@link DocumentEncoding#compressed()} (the default) or
	 * {@link DocumentEncoding#plain()} JSON. Documents in either form are read whatever this is.
	 * @param documentEncoding the encoding
	 */
	public void setDocumentEncoding(DocumentEncoding documentEncoding) {
		Assert.notNull(documentEncoding, "documentEncoding cannot be null");
		this.documentEncoding = documentEncoding;
	}

	/**
	 * Sets the mapper of refresh-token records.
	 * @param recordMapper the mapper
	 */
	public void setRecordMapper(RefreshTokenRecordMapper recordMapper) {
		Assert.notNull(recordMapper, "recordMapper cannot be null");
		this.recordMapper = recordMapper;
	}

	/**
	 * Sets how secrets are digested.
	 * @param digester the digester
	 */
	public void setDigester(TokenDigester digester) {
		Assert.notNull(digester, "digester cannot be null");
		this.digester = digester;
	}

	/**
	 * Sets the grace added to every key's time to live; the refresh-token record lives for the token's lifetime
	 * plus this.
	 * @param grace the grace, zero or more
	 */
	public void setGrace(Duration grace) {
		Assert.notNull(grace, "grace cannot be null");
		Assert.isTrue(!grace.isNegative(), "grace cannot be negative");
		this.grace = grace;
	}

	/**
	 * Sets the time to live of what carries no expiry: an authorization awaiting consent, a token without
	 * {@code expiresAt}.
	 * @param ttlWithoutExpiry the time to live, positive
	 */
	public void setTtlWithoutExpiry(Duration ttlWithoutExpiry) {
		Assert.notNull(ttlWithoutExpiry, "ttlWithoutExpiry cannot be null");
		Assert.isTrue(!ttlWithoutExpiry.isNegative() && !ttlWithoutExpiry.isZero(),
				"ttlWithoutExpiry must be positive");
		this.ttlWithoutExpiry = ttlWithoutExpiry;
	}

	/**
	 * Sets how long after a rotation the immediate predecessor of the current refresh token is still accepted
	 * (it is rotated again) instead of being taken as reuse, which revokes the grant. Zero, the default, accepts
	 * no rotated-out token. Within this window two requests with the same refresh token can both succeed.
	 * @param rotationGracePeriod the grace period, zero or more
	 */
	public void setRotationGracePeriod(Duration rotationGracePeriod) {
		Assert.notNull(rotationGracePeriod, "rotationGracePeriod cannot be null");
		Assert.isTrue(!rotationGracePeriod.isNegative(), "rotationGracePeriod cannot be negative");
		this.rotationGracePeriod = rotationGracePeriod;
	}

	/**
	 * Sets how many replicas must acknowledge each write ({@code WAIT}) before the store reports it done. Zero,
	 * the default, does not wait: Redis replication is asynchronous, so a failover can lose the last writes (a
	 * refresh token the client already holds becomes unknown; a revocation can come undone). Waiting adds three
	 * round trips per write: the {@code WAIT} and a {@code CLIENT INFO} (Redis 6.2) before the write and after the
	 * {@code WAIT}, which fails the write when the connection was re-established in between.
	 * @param replicasToAwait the number of replicas, zero or more
	 * @param timeout how long to wait for them; when fewer acknowledge in time the operation fails
	 */
	public void setReplicasToAwait(int replicasToAwait, Duration timeout) {
		this.replicas = new ReplicaAcknowledgement(replicasToAwait, timeout);
	}

	/**
	 * Sets the clock.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/**
	 * Sets the publisher of {@link RefreshTokenRevokedEvent}s.
	 * @param eventPublisher the publisher
	 */
	public void setEventPublisher(ApplicationEventPublisher eventPublisher) {
		Assert.notNull(eventPublisher, "eventPublisher cannot be null");
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Sets the listener that hears every operation, for metrics.
	 * @param listener the listener
	 */
	public void setOperationListener(StoreOperationListener listener) {
		Assert.notNull(listener, "listener cannot be null");
		this.listener = listener;
	}

	/**
	 * Sets the repository used to record a refresh token's OAuth {@code client_id}; without one, records carry
	 * the registered client's id.
	 * @param registeredClientRepository the repository
	 */
	public void setRegisteredClientRepository(RegisteredClientRepository registeredClientRepository) {
		Assert.notNull(registeredClientRepository, "registeredClientRepository cannot be null");
		this.registeredClientRepository = registeredClientRepository;
	}

}
