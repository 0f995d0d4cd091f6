package io.github.sasredis.store;

/**
 * Why refresh tokens were revoked, as carried by {@link RefreshTokenRevokedEvent} and the
 * {@code sas.redis.refresh_tokens.revoked} meter's {@code cause} tag.
 */
public enum RevocationCause {

	/** An operator revoked them, for example through the {@code refreshtokens} actuator endpoint. */
	OPS("ops"),

	/** A client revoked them through the RFC 7009 revocation endpoint. */
	RFC7009("rfc7009"),

	/** A rotated-out refresh token was presented again, so the whole grant was revoked. */
	REUSE("reuse");

	private final String tag;

	RevocationCause(String tag) {
		this.tag = tag;
	}

	/**
	 * Returns the lower-case name used in events, logs and meter tags.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
