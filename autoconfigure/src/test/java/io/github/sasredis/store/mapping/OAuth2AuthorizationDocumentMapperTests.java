package io.github.sasredis.store.mapping;

import java.security.Principal;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.github.sasredis.store.TestAuthorizations;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The document layout is what Redis already holds: a fixed grant is written exactly as the tree-based mapper of
 * earlier revisions wrote it, and documents in another field order, with unknown fields, read the same.
 */
class OAuth2AuthorizationDocumentMapperTests {

	private static final Instant NOW = Instant.parse("2026-12-01T21:00:00.123456789Z");

	/** What the tree-based mapper of earlier revisions wrote for {@link #grant()}. */
	private static final String DOCUMENT = """
			{"id":"id1","client":"rc","principal":"alice","grant":"authorization_code","scopes":["read",\
			"openid"],"attributes":{"@class":"java.util.LinkedHashMap","java.security.Principal":{"@class":"org.springframework.security.authentication.UsernamePasswordAuthenticationToken",\
			"authenticated":true,"authorities":["java.util.Collections$UnmodifiableRandomAccessList",[{"@class":"org.springframework.security.core.authority.SimpleGrantedAuthority",\
			"authority":"ROLE_USER"}]],"credentials":null,"details":null,"principal":{"@class":"org.springframework.security.core.userdetails.User",\
			"accountNonExpired":true,"accountNonLocked":true,"authorities":["java.util.Collections$UnmodifiableSet",\
			[{"@class":"org.springframework.security.core.authority.SimpleGrantedAuthority","authority":"ROLE_USER"}]],\
			"credentialsNonExpired":true,"enabled":true,"password":"","username":"alice"}},"org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest":{"@class":"org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest",\
			"additionalParameters":{"@class":"java.util.Collections$UnmodifiableMap","nonce":"n"},"attributes":{"@class":"java.util.Collections$UnmodifiableMap"},\
			"authorizationGrantType":{"value":"authorization_code"},"authorizationRequestUri":"http://l/authorize?response_type=code&client_id=c&scope=openid%20read&state=st&redirect_uri=https://x/cb&nonce=n",\
			"authorizationUri":"http://l/authorize","clientId":"c","redirectUri":"https://x/cb","responseType":{"value":"code"},\
			"scopes":["java.util.Collections$UnmodifiableSet",["openid","read"]],"state":"st"}},"tokens":{"s":{"digest":"dg-s"},\
			"c":{"digest":"dg-c","iat":"2026-12-01T21:00:00.123456789Z","exp":"2026-12-01T21:05:00.123456789Z",\
			"metadata":{"@class":"java.util.LinkedHashMap","metadata.token.invalidated":true}},"a":{"digest":"dg-a",\
			"iat":"2026-12-01T21:00:00.123456789Z","exp":"2026-12-01T21:05:00.123456789Z","metadata":{"@class":"java.util.LinkedHashMap",\
			"metadata.token.claims":{"@class":"java.util.LinkedHashMap","sub":"alice","aud":["java.util.ArrayList",\
			["c"]],"iat":["java.time.Instant",1796158800.123456789],"auth_time":["java.util.Date",1796158800123]},\
			"metadata.token.invalidated":false},"type":"Bearer","scopes":["read"]},"r":{"digest":"dg-r",\
			"iat":"2026-12-01T21:00:00.123456789Z","metadata":{"@class":"java.util.LinkedHashMap","metadata.token.invalidated":false},\
			"jti":"jti1"},"i":{"digest":"dg-i","iat":"2026-12-01T21:00:00.123456789Z","exp":"2026-12-01T21:30:00.123456789Z",\
			"metadata":{"@class":"java.util.LinkedHashMap","metadata.token.claims":{"@class":"java.util.LinkedHashMap",\
			"sub":"alice","aud":["java.util.ArrayList",["c"]],"iat":["java.time.Instant",1796158800.123456789],\
			"auth_time":["java.util.Date",1796158800123]},"metadata.token.invalidated":false}}}}""";

	private static final String JACKSONS_ORDER = "\"password\":\"\",\"username\":\"alice\"";

	private static final String READ_ORDER = "\"username\":\"alice\",\"password\":\"\"";

	private final OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();

	@Test
	void writeWhenGrantThenDocumentAsEarlierReleasesWroteIt() {
		assertThat(this.mapper.write(grant(), digests(), "jti1", Set.of())).isEqualTo(DOCUMENT);
	}

	@Test
	void readWhenDocumentOfEarlierReleasesThenAuthorizationWithPresentedValueAndPlaceholders() {
		StoredAuthorization read = this.mapper.read(DOCUMENT, TokenKind.REFRESH_TOKEN, "rt", Map.of("extra", "x"));
		OAuth2Authorization authorization = read.authorization();
		OAuth2Authorization grant = grant();
		assertThat(authorization.getId()).isEqualTo("id1");
		assertThat(authorization.getRegisteredClientId()).isEqualTo("rc");
		assertThat(authorization.getPrincipalName()).isEqualTo("alice");
		assertThat(authorization.getAuthorizedScopes()).containsExactly("read", "openid");
		assertThat(authorization.<Principal>getAttribute(Principal.class.getName()))
			.isEqualTo(grant.getAttribute(Principal.class.getName()));
		assertThat(authorization.<OAuth2AuthorizationRequest>getAttribute(OAuth2AuthorizationRequest.class.getName()))
			.usingRecursiveComparison()
			.isEqualTo(grant.getAttribute(OAuth2AuthorizationRequest.class.getName()));
		assertThat(authorization.<String>getAttribute("state")).isEqualTo(DigestPlaceholders.of("dg-s"));
		assertThat(authorization.<String>getAttribute("extra")).isEqualTo("x");
		assertThat(authorization.getRefreshToken().getToken().getTokenValue()).isEqualTo("rt");
		assertThat(authorization.getRefreshToken().getToken().getExpiresAt()).isNull();
		assertThat(authorization.getAccessToken().getToken().getTokenValue()).isEqualTo(DigestPlaceholders.of("dg-a"));
		assertThat(authorization.getAccessToken().getToken().getScopes()).containsExactly("read");
		assertThat(authorization.getAccessToken().getToken().getExpiresAt()).isEqualTo(NOW.plusSeconds(300));
		assertThat(authorization.getAccessToken().getClaims()).isEqualTo(grant.getAccessToken().getClaims());
		assertThat(authorization.getToken(OidcIdToken.class).getToken().getClaims())
			.isEqualTo(grant.getToken(OidcIdToken.class).getToken().getClaims());
		assertThat(authorization.getToken(OAuth2AuthorizationCode.class).isInvalidated()).isTrue();
		assertThat(read.digests()).isEqualTo(digests());
		assertThat(read.refreshTokenJti()).isEqualTo("jti1");
	}

	@Test
	void readWhenTokensNameDigestsByPositionThenOnlyTokenDigestsAreResolved() {
		// the store's hash-field layout: the header holds the digests, the tokens name theirs by position; a value
		// that looks like a reference anywhere else (a client's authorize parameter named digest) is data
		List<String> header = List.of("dg-r", "dg-s", "dg-c", "dg-a", "dg-i");
		Map<TokenKind, String> byPosition = new EnumMap<>(TokenKind.class);
		digests().forEach((kind, digest) -> byPosition.put(kind, "#" + header.indexOf(digest)));
		String document = this.mapper.write(grant(), byPosition, "jti1", Set.of())
			.replace("\"nonce\":\"n\"", "\"nonce\":\"n\",\"digest\":\"#0\"");
		assertThat(document).contains("\"a\":{\"digest\":\"#3\"").doesNotContain("dg-");
		StoredAuthorization read = this.mapper.read(document, TokenKind.ACCESS_TOKEN, "at", Map.of(), header);
		assertThat(read.digests()).isEqualTo(digests());
		assertThat(read.authorization().getRefreshToken().getToken().getTokenValue())
			.isEqualTo(DigestPlaceholders.of("dg-r"));
		assertThat(read.authorization().getAccessToken().getToken().getTokenValue()).isEqualTo("at");
		assertThat(read.authorization()
			.<OAuth2AuthorizationRequest>getAttribute(OAuth2AuthorizationRequest.class.getName())
			.getAdditionalParameters()).containsEntry("digest", "#0");
		for (String reference : List.of("#5", "#x", "#", "#12345", "#-1")) {
			assertThatIllegalStateException().as(reference)
				.isThrownBy(() -> this.mapper.read(document.replace("\"#3\"", "\"" + reference + "\""),
						TokenKind.ACCESS_TOKEN, "at", Map.of(), header))
				.withMessageContaining("refers to a digest its authorization does not hold")
				.withMessageNotContaining("at\"");
		}
	}

	@Test
	void readWhenFieldsInAnotherOrderAndUnknownFieldsThenSameAuthorization() {
		String reordered = DOCUMENT.replace("{\"id\":\"id1\",\"client\":\"rc\",",
				"{\"later\":{\"a\":[1,{\"b\":null}]},\"client\":\"rc\",")
			.replace(",\"tokens\":{", ",\"id\":\"id1\",\"tokens\":{\"z\":{\"digest\":\"other\"},");
		assertThat(reordered).isNotEqualTo(DOCUMENT);
		assertThat(this.mapper.read(reordered, null, null, Map.of())).usingRecursiveComparison()
			.isEqualTo(this.mapper.read(DOCUMENT, null, null, Map.of()));
	}

	@Test
	void writeWhenAttributesAreTheObjectsThisThreadReadThenWrittenAsTheyWereRead() throws Exception {
		// the same principal with its fields in another order than Jackson writes them: only a write that reuses
		// the text it was read from keeps that order
		String reordered = DOCUMENT.replace(JACKSONS_ORDER, READ_ORDER);
		assertThat(reordered).isNotEqualTo(DOCUMENT);
		OAuth2Authorization found = this.mapper.read(reordered, TokenKind.REFRESH_TOKEN, "rt", Map.of())
			.authorization();
		OAuth2Authorization rotated = OAuth2Authorization.from(found)
			.refreshToken(new OAuth2RefreshToken("rt-2", NOW, NOW.plusSeconds(60)))
			.build();
		assertThat(this.mapper.write(rotated, digests(), "jti2", Set.of())).contains(attributesOf(reordered));

		// another thread did not read them; a replaced attribute is written anew
		CompletableFuture<String> elsewhere = CompletableFuture
			.supplyAsync(() -> this.mapper.write(rotated, digests(), "jti2", Set.of()));
		assertThat(elsewhere.get()).contains(JACKSONS_ORDER).doesNotContain(READ_ORDER);
		OAuth2Authorization otherPrincipal = OAuth2Authorization.from(rotated)
			.attribute(Principal.class.getName(), grant().getAttribute(Principal.class.getName()))
			.build();
		assertThat(this.mapper.write(otherPrincipal, digests(), "jti2", Set.of())).contains(JACKSONS_ORDER)
			.doesNotContain(READ_ORDER);
	}

	private static String attributesOf(String document) {
		return document.substring(document.indexOf("\"attributes\":"), document.indexOf(",\"tokens\":"));
	}

	@Test
	void writeWhenAttributesHoldOtherNamesThanTheLastReadThenWrittenAnew() {
		// a consent in progress holds one attribute (its principal; the state is kept as a digest)
		OAuth2Authorization consent = TestAuthorizations.awaitingConsent("alice");
		this.mapper.read(this.mapper.write(consent, Map.of(TokenKind.STATE, "dg-s"), null, Set.of()), null, null,
				Map.of());
		Map<String, Object> other = new HashMap<>();
		other.put("other", null);
		OAuth2Authorization unrelated = OAuth2Authorization.withRegisteredClient(TestAuthorizations.CLIENT)
			.id("id2")
			.principalName("client")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.attributes((attributes) -> attributes.putAll(other))
			.build();
		assertThat(this.mapper.write(unrelated, Map.of(), null, Set.of())).doesNotContain("alice");
	}

	@Test
	void readWhenDocumentLacksItsIdOrIsNotAnObjectThenIllegalStateWithoutItsContent() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.mapper.read(DOCUMENT.replace("\"id\":\"id1\",", ""), null, null, Map.of()))
			.withMessage("the document lacks its id, client, principal or grant");
		assertThatIllegalStateException().isThrownBy(() -> this.mapper.read("[\"dg-r\"]", null, null, Map.of()))
			.withMessage("the document holds START_ARRAY where START_OBJECT belongs, at 1");
	}

	@Test
	void readWhenAFieldHoldsAnObjectWhereAStringBelongsOrTextFollowsThenIllegalState() {
		// names inside a nested object are not the document's own
		String nested = DOCUMENT.replace("{\"id\":\"id1\",",
				"{\"id\":{\"id\":\"evil\",\"client\":\"rc\",\"principal\":\"mallory\",\"grant\":\"x\"},");
		assertThatIllegalStateException().isThrownBy(() -> this.mapper.read(nested, null, null, Map.of()))
			.withMessageStartingWith("the document holds START_OBJECT where VALUE_STRING belongs")
			.withMessageNotContaining("mallory");
		String nestedDigest = DOCUMENT.replace("\"digest\":\"dg-r\"", "\"digest\":[\"dg-r\"]");
		assertThatIllegalStateException().isThrownBy(() -> this.mapper.read(nestedDigest, null, null, Map.of()))
			.withMessageStartingWith("the document holds START_ARRAY where VALUE_STRING belongs")
			.withMessageNotContaining("dg-r");
		assertThatIllegalStateException().isThrownBy(() -> this.mapper.read(DOCUMENT + "{}", null, null, Map.of()))
			.withMessageStartingWith("the document holds START_OBJECT where its end belongs");
	}

	private static OAuth2Authorization grant() {
		RegisteredClient client = RegisteredClient.withId("rc")
			.clientId("c")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("https://x/cb")
			.build();
		User user = new User("alice", "", AuthorityUtils.createAuthorityList("ROLE_USER"));
		UsernamePasswordAuthenticationToken principal = UsernamePasswordAuthenticationToken.authenticated(user, null,
				user.getAuthorities());
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("http://l/authorize")
			.clientId("c")
			.redirectUri("https://x/cb")
			.scopes(new LinkedHashSet<>(List.of("openid", "read")))
			.state("st")
			.additionalParameters(Map.of("nonce", "n"))
			.build();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("sub", "alice");
		claims.put("aud", List.of("c"));
		claims.put("iat", NOW);
		claims.put("auth_time", Date.from(NOW));
		return OAuth2Authorization.withRegisteredClient(client)
			.id("id1")
			.principalName("alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizedScopes(new LinkedHashSet<>(List.of("openid", "read")))
			.attribute(Principal.class.getName(), principal)
			.attribute(OAuth2AuthorizationRequest.class.getName(), request)
			.attribute("state", "secret-state")
			.token(new OAuth2AuthorizationCode("code", NOW, NOW.plusSeconds(300)),
					(metadata) -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true))
			.token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at", NOW, NOW.plusSeconds(300),
					Set.of("read")), (metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
			.refreshToken(new OAuth2RefreshToken("rt", NOW, null))
			.token(new OidcIdToken("it", NOW, NOW.plusSeconds(1800), claims),
					(metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
			.build();
	}

	private static Map<TokenKind, String> digests() {
		Map<TokenKind, String> digests = new EnumMap<>(TokenKind.class);
		for (TokenKind kind : List.of(TokenKind.STATE, TokenKind.AUTHORIZATION_CODE, TokenKind.ACCESS_TOKEN,
				TokenKind.REFRESH_TOKEN, TokenKind.ID_TOKEN)) {
			digests.put(kind, "dg-" + kind.code());
		}
		return digests;
	}

}
