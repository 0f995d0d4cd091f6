package io.github.sasredis.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.springframework.util.Assert;

/**
 * The {@link RefreshTokenRegistry} of a {@link RedisOAuth2AuthorizationService}. Listing reads the user's index
 * (pruning expired entries) and the records it names: two round trips. Revoking one reads its record, then
 * removes the authorization with every key it owns in one script; revoking all removes every authorization of
 * the listed records in one script. Nothing is scanned. Each call is reported to the store's
 * {@link StoreOperationListener} as {@code list}, {@code findByUserAndJti}, {@code revoke} or {@code revokeAll};
 * the {@link RefreshTokenRevokedEvent} is published after Redis has acknowledged, outside the timed operation.
 */
public class RedisRefreshTokenRegistry implements RefreshTokenRegistry {

	private final RedisOAuth2AuthorizationService store;

	/**
	 * Creates the registry of a store.
	 * @param store the store
	 */
	public RedisRefreshTokenRegistry(RedisOAuth2AuthorizationService store) {
		Assert.notNull(store, "store cannot be null");
		this.store = store;
	}

	@Override
	public List<RefreshTokenRecord> findByUser(String userId) {
		Assert.notNull(userId, "userId cannot be null");
		return this.store.observe("list", () -> list(userId));
	}

	@Override
	public Optional<RefreshTokenRecord> findByUserAndJti(String userId, String jti) {
		Assert.notNull(userId, "userId cannot be null");
		Assert.hasText(jti, "jti cannot be empty");
		return this.store.observe("findByUserAndJti", () -> find(userId, jti));
	}

	@Override
	public Optional<RefreshTokenRecord> revoke(String userId, String jti, RevocationCause cause) {
		Assert.notNull(userId, "userId cannot be null");
		Assert.hasText(jti, "jti cannot be empty");
		Assert.notNull(cause, "cause cannot be null");
		Optional<RefreshTokenRecord> record = this.store.observe("revoke", () -> {
			Optional<RefreshTokenRecord> found = find(userId, jti);
			found.ifPresent((present) -> this.store.removeAll(userId, List.of(present.authorizationId())));
			return found;
		});
		record.ifPresent((revoked) -> this.store
			.publish(new RefreshTokenRevokedEvent(this, userId, List.of(revoked), cause)));
		return record;
	}

	@Override
	public List<RefreshTokenRecord> revokeAll(String userId, RevocationCause cause) {
		Assert.notNull(userId, "userId cannot be null");
		Assert.notNull(cause, "cause cannot be null");
		List<RefreshTokenRecord> revoked = this.store.observe("revokeAll", () -> removeAll(userId));
		if (!revoked.isEmpty()) {
			this.store.publish(new RefreshTokenRevokedEvent(this, userId, revoked, cause));
		}
		return revoked;
	}

	private List<RefreshTokenRecord> list(String userId) {
		@SuppressWarnings("unchecked")
		List<String> jtis = this.store.getRedis()
			.execute(StoreScripts.LIST, List.of(this.store.getKeys().userIndex(userId)),
					Long.toString(this.store.getClock().millis()));
		if (jtis == null || jtis.isEmpty()) {
			return List.of();
		}
		List<String> recordKeys = jtis.stream()
			.map((jti) -> this.store.getKeys().refreshTokenRecord(userId, jti))
			.toList();
		List<String> values = this.store.getRedis().opsForValue().multiGet(recordKeys);
		List<RefreshTokenRecord> records = new ArrayList<>();
		if (values != null) {
			for (String value : values) {
				if (value != null) {
					records.add(this.store.getRecordMapper().read(value));
				}
			}
		}
		records.sort(Comparator.comparing(RefreshTokenRecord::createdAt).thenComparing(RefreshTokenRecord::jti));
		return records;
	}

	/**
	 * Reads one record. A jti is base64url: anything else (a {@code :} above all, which would make
	 * {@code <prefix>:a:b:<jti>} name user {@code a:b}'s record when asked for user {@code a}) names no token,
	 * and a record is only returned to the user it belongs to.
	 */
	private Optional<RefreshTokenRecord> find(String userId, String jti) {
		if (!TokenDigester.isWellFormedJti(jti)) {
			return Optional.empty();
		}
		String value = this.store.getRedis().opsForValue().get(this.store.getKeys().refreshTokenRecord(userId, jti));
		return Optional.ofNullable(value)
			.map(this.store.getRecordMapper()::read)
			.filter((record) -> record.userId().equals(userId) && record.jti().equals(jti));
	}

	private List<RefreshTokenRecord> removeAll(String userId) {
		List<RefreshTokenRecord> records = list(userId);
		if (records.isEmpty()) {
			return records;
		}
		List<RedisOAuth2AuthorizationService.Removed> removed = this.store.removeAll(userId,
				records.stream().map(RefreshTokenRecord::authorizationId).toList());
		List<RefreshTokenRecord> revoked = new ArrayList<>();
		for (int i = 0; i < records.size(); i++) {
			if (removed.get(i).liveRecord()) {
				revoked.add(records.get(i));
			}
		}
		return revoked;
	}

}
