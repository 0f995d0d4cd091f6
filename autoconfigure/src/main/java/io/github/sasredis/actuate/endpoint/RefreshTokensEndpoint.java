package io.github.sasredis.actuate.endpoint;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.sasredis.store.RefreshTokenRecord;
import io.github.sasredis.store.RefreshTokenRegistry;
import io.github.sasredis.store.RevocationCause;
import io.github.sasredis.store.TokenDigester;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} that lets operators see and revoke one user's refresh tokens, for example after a
 * stolen device or a compromised account, without touching Redis by hand.
 * <ul>
 * <li>{@code GET /actuator/refreshtokens/{user}}: the user's live refresh tokens, oldest first;</li>
 * <li>{@code DELETE /actuator/refreshtokens/{user}/{jti}}: revokes one ({@code 404} when that user has no such
 * token, {@code 400} for a malformed jti);</li>
 * <li>{@code DELETE /actuator/refreshtokens/{user}}: revokes all of them.</li>
 * </ul>
 * The same with the user as a query parameter, for names a path segment cannot carry:
 * {@code GET /actuator/refreshtokens?user=...}, {@code DELETE /actuator/refreshtokens?user=...[&jti=...]}.
 * Revoking removes the whole grant (its access token too) through the {@link RefreshTokenRegistry}, with cause
 * {@link RevocationCause#OPS}, and answers after Redis has acknowledged. Responses carry jtis and metadata, never
 * a token value or digest. {@code user} is the exact principal name: no character in it has a special meaning.
 */
@Endpoint(id = "refreshtokens")
public class RefreshTokensEndpoint {

	private final RefreshTokenRegistry registry;

	/**
	 * Creates the endpoint.
	 * @param registry the registry of refresh tokens
	 */
	public RefreshTokensEndpoint(RefreshTokenRegistry registry) {
		Assert.notNull(registry, "registry cannot be null");
		this.registry = registry;
	}

	/**
	 * Lists a user's live refresh tokens.
	 * @param user the principal name
	 * @return the tokens, oldest first; an empty list when the user has none
	 */
	@ReadOperation
	public RefreshTokensDescriptor refreshTokens(@Selector String user) {
		List<RefreshTokenDescriptor> tokens = this.registry.findByUser(user)
			.stream()
			.map(RefreshTokenDescriptor::of)
			.toList();
		return new RefreshTokensDescriptor(user, tokens);
	}

	/**
	 * Lists a user's live refresh tokens, the user given as the query parameter {@code user}: for names a URL path
	 * segment cannot carry ({@code \}, {@code /}, {@code %}, {@code ;}, {@code .}, {@code ..}).
	 * @param user the principal name
	 * @return the tokens, oldest first; an empty list when the user has none
	 */
	@ReadOperation
	public RefreshTokensDescriptor refreshTokensOfUser(String user) {
		return refreshTokens(user);
	}

	/**
	 * Revokes a user's refresh tokens, the user (and a jti) given as query parameters: {@code ?user=<name>}
	 * revokes all of them, {@code ?user=<name>&jti=<jti>} one. For names a URL path segment cannot carry.
	 * @param user the principal name
	 * @param jti the token's jti, or {@code null} for all of the user's tokens
	 * @return as {@link #revokeRefreshToken} or {@link #revokeRefreshTokens}
	 */
	@DeleteOperation
	public WebEndpointResponse<RevokedDescriptor> revokeRefreshTokensOfUser(String user, @Nullable String jti) {
		if (jti == null) {
			return new WebEndpointResponse<>(revokeRefreshTokens(user));
		}
		return revokeRefreshToken(user, jti);
	}

	/**
	 * Revokes one refresh token of a user, with the grant it belongs to.
	 * @param user the principal name
	 * @param jti the token's jti
	 * @return {@code 200} with {@code {"revoked": 1}}, {@code 404} when that user has no such token, {@code 400}
	 * when the jti is malformed
	 */
	@DeleteOperation
	public WebEndpointResponse<RevokedDescriptor> revokeRefreshToken(@Selector String user, @Selector String jti) {
		if (!TokenDigester.isWellFormedJti(jti)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		return this.registry.revoke(user, jti, RevocationCause.OPS)
			.map((revoked) -> new WebEndpointResponse<>(new RevokedDescriptor(1)))
			.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/**
	 * Revokes every refresh token of a user, with the grants they belong to.
	 * @param user the principal name
	 * @return how many were revoked, zero when the user had none
	 */
	@DeleteOperation
	public RevokedDescriptor revokeRefreshTokens(@Selector String user) {
		return new RevokedDescriptor(this.registry.revokeAll(user, RevocationCause.OPS).size());
	}

	/**
	 * A user's refresh tokens.
	 *
	 * @param userId the principal name
	 * @param tokens the tokens, oldest first
	 */
	public record RefreshTokensDescriptor(@JsonProperty("user_id") String userId,
			@JsonProperty("tokens") List<RefreshTokenDescriptor> tokens) implements OperationResponseBody {

	}

	/**
	 * One refresh token, described without its value.
	 *
	 * @param jti the token's identifier
	 * @param clientId the client it was issued to
	 * @param authorizationId the authorization (grant) it belongs to
	 * @param createdAt when it was issued
	 * @param expiresAt when it expires
	 * @param scopes the scopes of the grant, sorted
	 */
	public record RefreshTokenDescriptor(@JsonProperty("jti") String jti, @JsonProperty("client_id") String clientId,
			@JsonProperty("authorization_id") String authorizationId, @JsonProperty("created_at") Instant createdAt,
			@JsonProperty("expires_at") Instant expiresAt, @JsonProperty("scopes") List<String> scopes) {

		static RefreshTokenDescriptor of(RefreshTokenRecord record) {
			return new RefreshTokenDescriptor(record.jti(), record.clientId(), record.authorizationId(),
					record.createdAt(), record.expiresAt(), record.scopes().stream().sorted().toList());
		}

	}

	/**
	 * How many refresh tokens a revocation removed.
	 *
	 * @param revoked the number of revoked tokens
	 */
	public record RevokedDescriptor(@JsonProperty("revoked") int revoked) implements OperationResponseBody {

	}

}
