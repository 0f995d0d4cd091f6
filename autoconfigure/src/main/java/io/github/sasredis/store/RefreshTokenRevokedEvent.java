package io.github.sasredis.store;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.util.Assert;

/**
 * Published after refresh tokens were revoked and Redis has acknowledged it. Carries user, client and jti of
 * each revoked token, never a token value.
 * <p>
 * For cause {@link RevocationCause#REUSE} it also carries the {@link Reuse}: the jti of the rotated-out refresh
 * token that was presented again, and the client and authorization of the grant it belonged to. The records are
 * then those of the grant's current refresh token, which was revoked with the grant; they are empty when that
 * record was already gone (its token expired, or was revoked before the replay), in which case the event is
 * still published, since a replayed token is worth an operator's attention, and only {@link #getReuse()} names
 * the client and a jti.
 */
public class RefreshTokenRevokedEvent extends ApplicationEvent {

	private final String userId;

	private final List<RefreshTokenRecord> records;

	private final RevocationCause cause;

	private final @Nullable Reuse reuse;

	/**
	 * Creates the event.
	 * @param source the store or registry that revoked
	 * @param userId the principal name whose tokens were revoked
	 * @param records the revoked records
	 * @param cause why
	 */
	public RefreshTokenRevokedEvent(Object source, String userId, List<RefreshTokenRecord> records,
			RevocationCause cause) {
		this(source, userId, records, cause, null);
	}

	/**
	 * Creates the event.
	 * @param source the store or registry that revoked
	 * @param userId the principal name whose tokens were revoked
	 * @param records the revoked records
	 * @param cause why
	 * @param reuse for cause {@link RevocationCause#REUSE}, the token that was presented again, else {@code null}
	 */
	public RefreshTokenRevokedEvent(Object source, String userId, List<RefreshTokenRecord> records,
			RevocationCause cause, @Nullable Reuse reuse) {
		super(source);
		Assert.isTrue(reuse == null || cause == RevocationCause.REUSE, "reuse is only given for cause REUSE");
		this.userId = userId;
		this.records = List.copyOf(records);
		this.cause = cause;
		this.reuse = reuse;
	}

	/**
	 * Returns the principal name whose tokens were revoked.
	 * @return the user id
	 */
	public String getUserId() {
		return this.userId;
	}

	/**
	 * Returns the revoked records.
	 * @return the records, never containing a token value
	 */
	public List<RefreshTokenRecord> getRecords() {
		return this.records;
	}

	/**
	 * Returns the jtis of the revoked tokens. For a reuse, these are not the jti of the token presented again
	 * (see {@link #getReuse()}).
	 * @return the jtis
	 */
	public List<String> getJtis() {
		return this.records.stream().map(RefreshTokenRecord::jti).toList();
	}

	/**
	 * Returns why the tokens were revoked.
	 * @return the cause
	 */
	public RevocationCause getCause() {
		return this.cause;
	}

	/**
	 * Returns, for cause {@link RevocationCause#REUSE}, the rotated-out refresh token that was presented again.
	 * @return the reuse, or {@code null} for other causes
	 */
	public @Nullable Reuse getReuse() {
		return this.reuse;
	}

	/**
	 * A rotated-out refresh token presented again, which revoked its grant.
	 *
	 * @param jti the jti of the presented token, derived from its digest as every jti is
	 * ({@link TokenDigester#jti(String)}); neither its value nor its digest can be derived from it
	 * @param clientId the OAuth client id of the grant
	 * @param authorizationId the id of the revoked {@code OAuth2Authorization}
	 */
	public record Reuse(String jti, String clientId, String authorizationId) {

		public Reuse {
			Assert.hasText(jti, "jti cannot be empty");
			Assert.notNull(clientId, "clientId cannot be null");
			Assert.notNull(authorizationId, "authorizationId cannot be null");
		}

	}

}
