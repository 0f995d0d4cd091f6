package io.github.sasredis.store.mapping;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.sasredis.store.TestAuthorizations;
import io.github.sasredis.store.TokenDigester;
import org.junit.jupiter.api.Test;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The mapper's cache of decoded attributes: the same JSON gives the same objects, equal to what a fresh decode
 * gives; other JSON gives its own; bounded; correct under concurrent reads; off with size 0.
 */
class AttributeCacheTests {

	private static final String PRINCIPAL = Principal.class.getName();

	@Test
	void readWhenSameAttributesReadAgainThenSameObjectsEqualToAFreshDecode() {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		String document = documentOf(TestAuthorizations.authorizationCodeGrant("alice"));
		OAuth2Authorization first = mapper.read(document, null, null, Map.of()).authorization();
		OAuth2Authorization second = mapper.read(document, null, null, Map.of()).authorization();
		assertThat(second.<Object>getAttribute(PRINCIPAL)).isSameAs(first.getAttribute(PRINCIPAL));
		assertThat(second.<Object>getAttribute(OAuth2AuthorizationRequest.class.getName()))
			.isSameAs(first.getAttribute(OAuth2AuthorizationRequest.class.getName()));
		assertThat(mapper.cachedAttributeSets()).isEqualTo(1);

		OAuth2AuthorizationDocumentMapper uncached = new OAuth2AuthorizationDocumentMapper();
		uncached.setAttributeCacheSize(0);
		OAuth2Authorization fresh = uncached.read(document, null, null, Map.of()).authorization();
		assertThat(fresh.<Object>getAttribute(PRINCIPAL)).isEqualTo(first.getAttribute(PRINCIPAL))
			.isNotSameAs(first.getAttribute(PRINCIPAL));
		assertThat(fresh.getAttributes()).usingRecursiveComparison().isEqualTo(first.getAttributes());
	}

	@Test
	void readWhenCacheOffThenEveryReadDecodesItsOwnObjects() {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		mapper.setAttributeCacheSize(0);
		String document = documentOf(TestAuthorizations.authorizationCodeGrant("alice"));
		Object first = mapper.read(document, null, null, Map.of()).authorization().getAttribute(PRINCIPAL);
		Object second = mapper.read(document, null, null, Map.of()).authorization().getAttribute(PRINCIPAL);
		assertThat(second).isEqualTo(first).isNotSameAs(first);
		assertThat(mapper.cachedAttributeSets()).isZero();
	}

	@Test
	void readWhenOtherAttributesThenTheirOwnObjects() {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		Authentication alice = mapper.read(documentOf(TestAuthorizations.authorizationCodeGrant("alice")), null, null,
				Map.of())
			.authorization()
			.getAttribute(PRINCIPAL);
		Authentication bob = mapper.read(documentOf(TestAuthorizations.authorizationCodeGrant("bob")), null, null,
				Map.of())
			.authorization()
			.getAttribute(PRINCIPAL);
		assertThat(alice.getName()).isEqualTo("alice");
		assertThat(bob.getName()).isEqualTo("bob");
	}

	@Test
	void readWhenMoreAttributeSetsThanSlotsThenAtMostThatManyKeptAndEachReadRight() {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		mapper.setAttributeCacheSize(6);
		for (int i = 0; i < 200; i++) {
			String user = "user-" + i;
			Authentication principal = mapper
				.read(documentOf(TestAuthorizations.authorizationCodeGrant(user)), null, null, Map.of())
				.authorization()
				.getAttribute(PRINCIPAL);
			assertThat(principal.getName()).isEqualTo(user);
		}
		assertThat(mapper.cachedAttributeSets()).isEqualTo(6);
	}

	@Test
	void readWhenGrantsComeAndGoThenTheOldestAreEvictedAndAHotSetStillHits() {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		mapper.setAttributeCacheSize(16);
		// grants read once each, far more than fit: they must not leave the cache full of dead entries
		for (int i = 0; i < 500; i++) {
			mapper.read(documentOf(TestAuthorizations.authorizationCodeGrant("once-" + i)), null, null, Map.of());
		}
		List<String> hot = new ArrayList<>();
		List<Object> firstRead = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			hot.add(documentOf(TestAuthorizations.authorizationCodeGrant("hot-" + i)));
			firstRead.add(mapper.read(hot.get(i), null, null, Map.of()).authorization().getAttribute(PRINCIPAL));
		}
		for (int round = 0; round < 20; round++) {
			for (int i = 0; i < hot.size(); i++) {
				assertThat(mapper.read(hot.get(i), null, null, Map.of()).authorization().<Object>getAttribute(PRINCIPAL))
					.as("round %d, hot grant %d", round, i)
					.isSameAs(firstRead.get(i));
			}
		}
		// a newcomer evicts the oldest of the hot set first
		for (int i = 0; i < 9; i++) {
			mapper.read(documentOf(TestAuthorizations.authorizationCodeGrant("late-" + i)), null, null, Map.of());
		}
		assertThat(mapper.cachedAttributeSets()).isEqualTo(16);
		assertThat(mapper.read(hot.get(0), null, null, Map.of()).authorization().<Object>getAttribute(PRINCIPAL))
			.isNotSameAs(firstRead.get(0));
		assertThat(mapper.read(hot.get(7), null, null, Map.of()).authorization().<Object>getAttribute(PRINCIPAL))
			.isSameAs(firstRead.get(7));
	}

	@Test
	void readWhenManyThreadsShareFewSlotsThenEveryAuthorizationGetsItsOwnPrincipal() throws Exception {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		mapper.setAttributeCacheSize(4);
		List<String> documents = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			documents.add(documentOf(TestAuthorizations.authorizationCodeGrant("user-" + i)));
		}
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<List<String>>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int offset = t;
				results.add(threads.submit(() -> {
					List<String> wrong = new ArrayList<>();
					for (int n = 0; n < 400; n++) {
						int i = (n * 7 + offset) % documents.size();
						Authentication principal = mapper.read(documents.get(i), null, null, Map.of())
							.authorization()
							.getAttribute(PRINCIPAL);
						if (!principal.getName().equals("user-" + i)) {
							wrong.add("user-" + i + " read as " + principal.getName());
						}
					}
					return wrong;
				}));
			}
			for (Future<List<String>> result : results) {
				assertThat(result.get()).isEmpty();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void writeWhenAttributesCameFromTheCacheThenWrittenAsTheJsonTheyWereReadFrom() throws Exception {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		// the principal with its fields in another order than Jackson writes them: only a write that reuses the text
		// it was read from keeps that order
		String document = documentOf(TestAuthorizations.authorizationCodeGrant("alice"));
		String jacksonsOrder = "\"password\":\"\",\"username\":\"alice\"";
		String otherOrder = "\"username\":\"alice\",\"password\":\"\"";
		assertThat(document).contains(jacksonsOrder);
		String reordered = document.replace(jacksonsOrder, otherOrder);
		// another thread decodes them first; this thread's read is served from the cache
		CompletableFuture.runAsync(() -> mapper.read(reordered, null, null, Map.of())).get();
		OAuth2Authorization found = mapper.read(reordered, TokenKind.REFRESH_TOKEN, "rt", Map.of()).authorization();
		OAuth2Authorization rotated = OAuth2Authorization.from(found)
			.refreshToken(new OAuth2RefreshToken(TestAuthorizations.randomValue(), null, null))
			.build();
		assertThat(mapper.write(rotated, digestsOf(rotated), "jti", Set.of())).contains(otherOrder)
			.doesNotContain(jacksonsOrder);
	}

	@Test
	void setAttributeCacheSizeWhenNegativeOrHugeThenRefused() {
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper();
		assertThatIllegalArgumentException().isThrownBy(() -> mapper.setAttributeCacheSize(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> mapper.setAttributeCacheSize(Integer.MAX_VALUE));
	}

	private static String documentOf(OAuth2Authorization authorization) {
		return new OAuth2AuthorizationDocumentMapper().write(authorization, digestsOf(authorization), "jti",
				Set.of());
	}

	private static Map<TokenKind, String> digestsOf(OAuth2Authorization authorization) {
		TokenDigester digester = TokenDigester.sha256();
		Map<TokenKind, String> digests = new java.util.EnumMap<>(TokenKind.class);
		for (TokenKind kind : TokenKind.values()) {
			OAuth2Authorization.Token<?> token = kind.tokenIn(authorization);
			if (token != null) {
				digests.put(kind, digester.digest(token.getToken().getTokenValue()));
			}
			else if (kind == TokenKind.STATE && authorization.getAttribute("state") != null) {
				digests.put(kind, digester.digest(authorization.getAttribute("state")));
			}
		}
		return digests;
	}

}
