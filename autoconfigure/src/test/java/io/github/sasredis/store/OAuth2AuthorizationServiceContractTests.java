package io.github.sasredis.store;

import java.util.List;

import io.github.sasredis.store.mapping.TokenKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

import static io.github.sasredis.store.AuthorizationAssertions.assertRoundTrip;
import static io.github.sasredis.store.AuthorizationAssertions.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What every {@link OAuth2AuthorizationService} must do, as Spring Authorization Server uses it. Runs against
 * Spring's in-memory store (the reference) and against the Redis store.
 */
abstract class OAuth2AuthorizationServiceContractTests {

	/** Principal names that are data, not patterns. */
	static final List<String> AWKWARD_NAMES = List.of("user", "u*", "*", "?ser", "[u]ser", "us\\er", "a:b:c",
			"with space", "ünïcødé 用户", "x".repeat(1024), "}x", "{u}ser", "\\}", "\\", "a}b{c");

	abstract OAuth2AuthorizationService service();

	static OAuth2TokenType typeOf(TokenKind kind) {
		return switch (kind) {
			case STATE -> new OAuth2TokenType(OAuth2ParameterNames.STATE);
			case AUTHORIZATION_CODE -> new OAuth2TokenType(OAuth2ParameterNames.CODE);
			case ACCESS_TOKEN -> OAuth2TokenType.ACCESS_TOKEN;
			case REFRESH_TOKEN -> OAuth2TokenType.REFRESH_TOKEN;
			case ID_TOKEN -> new OAuth2TokenType(OidcParameterNames.ID_TOKEN);
			case DEVICE_CODE -> new OAuth2TokenType(OAuth2ParameterNames.DEVICE_CODE);
			case USER_CODE -> new OAuth2TokenType(OAuth2ParameterNames.USER_CODE);
		};
	}

	static OAuth2Authorization holding(TokenKind kind, String principalName) {
		return switch (kind) {
			case STATE -> TestAuthorizations.awaitingConsent(principalName);
			case DEVICE_CODE, USER_CODE -> TestAuthorizations.deviceGrant(principalName);
			default -> TestAuthorizations.authorizationCodeGrant(principalName);
		};
	}

	@ParameterizedTest
	@EnumSource(TokenKind.class)
	void findByTokenWhenTypeGivenThenFound(TokenKind kind) {
		OAuth2Authorization authorization = holding(kind, "user");
		service().save(authorization);
		OAuth2Authorization found = service().findByToken(valueOf(authorization, kind), typeOf(kind));
		assertRoundTrip(found, authorization, kind);
	}

	@ParameterizedTest
	@EnumSource(TokenKind.class)
	void findByTokenWhenTypeNullThenFound(TokenKind kind) {
		OAuth2Authorization authorization = holding(kind, "user");
		service().save(authorization);
		OAuth2Authorization found = service().findByToken(valueOf(authorization, kind), null);
		assertRoundTrip(found, authorization, kind);
	}

	@ParameterizedTest
	@EnumSource(value = TokenKind.class, names = { "ACCESS_TOKEN", "REFRESH_TOKEN", "ID_TOKEN", "AUTHORIZATION_CODE" })
	void findByTokenWhenOtherTypeThenNull(TokenKind kind) {
		OAuth2Authorization authorization = holding(kind, "user");
		service().save(authorization);
		TokenKind other = (kind == TokenKind.ACCESS_TOKEN) ? TokenKind.REFRESH_TOKEN : TokenKind.ACCESS_TOKEN;
		assertThat(service().findByToken(valueOf(authorization, kind), typeOf(other))).isNull();
		assertThat(service().findByToken(valueOf(authorization, kind), new OAuth2TokenType("unknown"))).isNull();
	}

	@Test
	void findByTokenWhenUnknownThenNull() {
		service().save(TestAuthorizations.authorizationCodeGrant("user"));
		String unknown = TestAuthorizations.randomValue();
		assertThat(service().findByToken(unknown, null)).isNull();
		assertThat(service().findByToken(unknown, OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(service().findByToken("{digest}" + unknown, null)).isNull();
	}

	@Test
	void findByIdWhenSavedThenFound() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("user");
		service().save(authorization);
		assertRoundTrip(service().findById(authorization.getId()), authorization, null);
	}

	@Test
	void findByIdWhenUnknownThenNull() {
		assertThat(service().findById("no-such-id")).isNull();
	}

	@Test
	void nullOrEmptyInputsThenIllegalArgument() {
		assertThatIllegalArgumentException().isThrownBy(() -> service().save(null));
		assertThatIllegalArgumentException().isThrownBy(() -> service().remove(null));
		assertThatIllegalArgumentException().isThrownBy(() -> service().findById(null));
		assertThatIllegalArgumentException().isThrownBy(() -> service().findById(""));
		assertThatIllegalArgumentException().isThrownBy(() -> service().findByToken(null, null));
		assertThatIllegalArgumentException().isThrownBy(() -> service().findByToken("", null));
	}

	@Test
	void removeWhenSavedThenNothingFound() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("user");
		service().save(authorization);
		service().remove(authorization);
		assertThat(service().findById(authorization.getId())).isNull();
		for (TokenKind kind : TokenKind.values()) {
			String value = valueOf(authorization, kind);
			if (value != null) {
				assertThat(service().findByToken(value, null)).as("%s after remove", kind).isNull();
			}
		}
	}

	@Test
	void saveWhenFoundAuthorizationSavedAgainThenUpdated() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("user");
		service().save(authorization);
		OAuth2Authorization found = service().findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null);
		OAuth2Authorization updated = OAuth2Authorization.from(found).attribute("custom", "value").build();
		service().save(updated);
		OAuth2Authorization again = service().findByToken(valueOf(authorization, TokenKind.REFRESH_TOKEN),
				OAuth2TokenType.REFRESH_TOKEN);
		assertThat(again).isNotNull();
		assertThat(again.<String>getAttribute("custom")).isEqualTo("value");
		assertThat(valueOf(again, TokenKind.REFRESH_TOKEN)).isEqualTo(valueOf(authorization, TokenKind.REFRESH_TOKEN));
		String idToken = valueOf(authorization, TokenKind.ID_TOKEN);
		assertRoundTrip(service().findByToken(idToken, null), updated, TokenKind.ID_TOKEN, idToken);
	}

	@Test
	void saveWhenRefreshTokenRotatedThenOldUnknownAndNewFound() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("user");
		service().save(authorization);
		String oldRefresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		String oldAccess = valueOf(authorization, TokenKind.ACCESS_TOKEN);
		OAuth2Authorization found = service().findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN);
		OAuth2Authorization rotated = TestAuthorizations.rotate(found);
		service().save(rotated);
		assertThat(service().findByToken(oldAccess, OAuth2TokenType.ACCESS_TOKEN)).isNull();
		String newRefresh = valueOf(rotated, TokenKind.REFRESH_TOKEN);
		assertRoundTrip(service().findByToken(newRefresh, OAuth2TokenType.REFRESH_TOKEN), rotated,
				TokenKind.REFRESH_TOKEN);
		assertRoundTrip(service().findByToken(valueOf(rotated, TokenKind.ACCESS_TOKEN), null), rotated,
				TokenKind.ACCESS_TOKEN);
		String idToken = valueOf(authorization, TokenKind.ID_TOKEN);
		assertRoundTrip(service().findByToken(idToken, null), rotated, TokenKind.ID_TOKEN, idToken);
		// last: the Redis store takes a rotated-out refresh token presented again as reuse and revokes the grant
		assertThat(service().findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();
	}

	@Test
	void saveWhenRefreshTokenRevokedThenRefreshTokenUnusableAndAccessTokenInvalidated() {
		OAuth2Authorization authorization = TestAuthorizations.authorizationCodeGrant("user");
		service().save(authorization);
		String refresh = valueOf(authorization, TokenKind.REFRESH_TOKEN);
		OAuth2Authorization found = service().findByToken(refresh, null);
		service().save(TestAuthorizations.revokeRefreshToken(found));
		OAuth2Authorization afterRevoke = service().findByToken(refresh, OAuth2TokenType.REFRESH_TOKEN);
		assertThat(afterRevoke == null || !afterRevoke.getRefreshToken().isActive())
			.as("revoked refresh token is not usable")
			.isTrue();
		OAuth2Authorization byAccess = service().findByToken(valueOf(authorization, TokenKind.ACCESS_TOKEN), null);
		assertThat(byAccess).isNotNull();
		OAuth2Authorization.Token<OAuth2AccessToken> accessToken = byAccess.getAccessToken();
		assertThat(accessToken.isInvalidated()).isTrue();
		assertThat(accessToken.isActive()).isFalse();
	}

	static List<String> awkwardNames() {
		return AWKWARD_NAMES;
	}

	@ParameterizedTest
	@MethodSource("awkwardNames")
	void saveWhenPrincipalNameIsAwkwardThenRoundTripsAndMatchesOnlyItself(String principalName) {
		OAuth2Authorization mine = TestAuthorizations.authorizationCodeGrant(principalName);
		OAuth2Authorization other = TestAuthorizations.authorizationCodeGrant("user" + principalName.length());
		service().save(mine);
		service().save(other);
		OAuth2Authorization found = service().findByToken(valueOf(mine, TokenKind.REFRESH_TOKEN),
				OAuth2TokenType.REFRESH_TOKEN);
		assertRoundTrip(found, mine, TokenKind.REFRESH_TOKEN);
		assertThat(found.getPrincipalName()).isEqualTo(principalName);
		assertThat(service().findByToken(valueOf(other, TokenKind.REFRESH_TOKEN), null).getPrincipalName())
			.isNotEqualTo(principalName);
	}

}
