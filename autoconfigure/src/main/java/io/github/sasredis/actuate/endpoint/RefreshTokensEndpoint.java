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
 * A {@code user} or {@code jti} that is empty (blank, for a user) or given more than once (Actuator would join the
 * values with commas) is answered {@code 400}, as is a malformed jti; refusals carry
 * {@code {"error": ..., "error_description": ...}}, never the value given. A revocation names the user it acted on.
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
	 * @param user the principal name (a {@code String}; a list when the request repeats the parameter)
	 * @return {@code 200} with the tokens, oldest first (an empty list when the user has none), or {@code 400} when
	 * the user is empty or given more than once
	 */
	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> refreshTokens(@Selector Object user) {
		String name = userName(user);
		if (name == null) {
			return badRequest("user", user);
		}
		List<RefreshTokenDescriptor> tokens = this.registry.findByUser(name)
			.stream()
			.map(RefreshTokenDescriptor::of)
			.toList();
		return new WebEndpointResponse<>(new RefreshTokensDescriptor(name, tokens));
	}

	/**
	 * Lists a user's live refresh tokens, the user given as the query parameter {@code user}: for names a URL path
	 * segment cannot carry ({@code \}, {@code /}, {@code %}, {@code ;}, {@code .}, {@code ..}).
	 * @param user the principal name
	 * @return as {@link #refreshTokens}
	 */
	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> refreshTokensOfUser(Object user) {
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
	public WebEndpointResponse<OperationResponseBody> revokeRefreshTokensOfUser(Object user, @Nullable Object jti) {
		return revokeRefreshTokens(user, jti);
	}

	/**
	 * Revokes one refresh token of a user, with the grant it belongs to.
	 * @param user the principal name
	 * @param jti the token's jti
	 * @return {@code 200} with {@code {"user_id": ..., "revoked": 1}}, {@code 404} when that user has no such
	 * token, {@code 400} when the jti is malformed or the user empty, or either is given more than once
	 */
	@DeleteOperation
	public WebEndpointResponse<OperationResponseBody> revokeRefreshToken(@Selector Object user,
			@Selector Object jti) {
		String name = userName(user);
		if (name == null) {
			return badRequest("user", user);
		}
		String id = (jti instanceof String value && TokenDigester.isWellFormedJti(value)) ? value : null;
		if (id == null) {
			return badRequest("jti", jti);
		}
		return this.registry.revoke(name, id, RevocationCause.OPS)
			.map((revoked) -> new WebEndpointResponse<OperationResponseBody>(new RevokedDescriptor(name, 1)))
			.orElseGet(() -> new WebEndpointResponse<>(
					new ErrorDescriptor("not_found", "The user has no live refresh token with this jti."),
					WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/**
	 * Revokes every refresh token of a user, with the grants they belong to; only the one named when the request
	 * also has the query parameter {@code jti} (which would otherwise be ignored, and every token revoked).
	 * @param user the principal name
	 * @param jti the token's jti, or {@code null} for all of the user's tokens
	 * @return {@code 200} with the user and how many were revoked (zero when the user had none), or {@code 400}
	 * when the user is empty or given more than once; with a jti, as {@link #revokeRefreshToken}
	 */
	@DeleteOperation
	public WebEndpointResponse<OperationResponseBody> revokeRefreshTokens(@Selector Object user,
			@Nullable Object jti) {
		if (jti != null) {
			return revokeRefreshToken(user, jti);
		}
		String name = userName(user);
		if (name == null) {
			return badRequest("user", user);
		}
		return new WebEndpointResponse<>(
				new RevokedDescriptor(name, this.registry.revokeAll(name, RevocationCause.OPS).size()));
	}

	/**
	 * The principal name a parameter gives, or {@code null} when it gives none: Actuator passes a parameter the
	 * request repeats as a list of its values (and would otherwise join them with commas into a name nobody has), and
	 * no principal name is blank.
	 */
	private static @Nullable String userName(@Nullable Object user) {
		return (user instanceof String name && !name.isBlank()) ? name : null;
	}

	/** {@code 400} naming the parameter and the fault, never its value. */
	private static WebEndpointResponse<OperationResponseBody> badRequest(String parameter, @Nullable Object value) {
		String fault;
		if (!(value instanceof String string)) {
			fault = "is given more than once";
		}
		else if (parameter.equals("user")) {
			fault = string.isEmpty() ? "is empty" : "is blank";
		}
		else {
			fault = "is not a jti this store issues";
		}
		return new WebEndpointResponse<>(new ErrorDescriptor("invalid_request", "The " + parameter + " " + fault + "."),
				WebEndpointResponse.STATUS_BAD_REQUEST);
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
	 * How many refresh tokens a revocation removed, and whose.
	 *
	 * @param userId the principal name the revocation acted on
	 * @param revoked the number of revoked tokens
	 */
	public record RevokedDescriptor(@JsonProperty("user_id") String userId,
			@JsonProperty("revoked") int revoked) implements OperationResponseBody {

	}

	/**
	 * Why a request was refused: never a parameter's value.
	 *
	 * @param error {@code invalid_request} or {@code not_found}
	 * @param description what was wrong, in words
	 */
	public record ErrorDescriptor(@JsonProperty("error") String error,
			@JsonProperty("error_description") String description) implements OperationResponseBody {

	}

}
