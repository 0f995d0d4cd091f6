package io.github.sasredis.store;

import java.util.List;

import org.springframework.context.ApplicationEvent;

/**
 * Published after refresh tokens were revoked and Redis has acknowledged it. Carries user, client and jti of
 * each revoked token, never a token value.
 */
public class RefreshTokenRevokedEvent extends ApplicationEvent {

	private final String userId;

	private final List<RefreshTokenRecord> records;

	private final RevocationCause cause;

	public RefreshTokenRevokedEvent(Object source, String userId, List<RefreshTokenRecord> records,
			RevocationCause cause) {
		super(source);
		this.userId = userId;
		this.records = List.copyOf(records);
		this.cause = cause;
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
	 * Returns the jtis of the revoked tokens.
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

}
