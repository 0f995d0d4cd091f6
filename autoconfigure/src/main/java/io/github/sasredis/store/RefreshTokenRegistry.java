package io.github.sasredis.store;

import java.util.List;
import java.util.Optional;

/**
 * Operator's view of the refresh tokens the store holds, one user at a time: list them, revoke one, revoke all.
 * Revoking removes the whole authorization the token belongs to (its access token, ID token and codes too), and
 * returns only after Redis has acknowledged. Every call costs in proportion to that user's tokens, never to the
 * size of the keyspace. User ids are matched exactly: no character in them has a special meaning.
 */
public interface RefreshTokenRegistry {

	/**
	 * Returns the live refresh tokens of a user, oldest first.
	 * @param userId the principal name
	 * @return the records, sorted by {@code createdAt}; empty when the user has none
	 */
	List<RefreshTokenRecord> findByUser(String userId);

	/**
	 * Returns one refresh token record of a user.
	 * @param userId the principal name
	 * @param jti the token's identifier
	 * @return the record, or empty when that user has no such token (a jti that is not base64url names none)
	 */
	Optional<RefreshTokenRecord> findByUserAndJti(String userId, String jti);

	/**
	 * Revokes one refresh token of a user and the authorization it belongs to.
	 * @param userId the principal name
	 * @param jti the token's identifier
	 * @param cause why it is revoked, carried by the published {@link RefreshTokenRevokedEvent}
	 * @return the revoked record, or empty when that user has no such token
	 */
	Optional<RefreshTokenRecord> revoke(String userId, String jti, RevocationCause cause);

	/**
	 * Revokes every refresh token of a user and the authorizations they belong to.
	 * @param userId the principal name
	 * @param cause why they are revoked, carried by the published {@link RefreshTokenRevokedEvent}
	 * @return the revoked records, oldest first
	 */
	List<RefreshTokenRecord> revokeAll(String userId, RevocationCause cause);

}
