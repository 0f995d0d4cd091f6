package io.github.sasredis.store;

import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * The contract run against Spring's in-memory store, the reference the Redis store must behave like.
 */
class InMemoryOAuth2AuthorizationServiceContractTests extends OAuth2AuthorizationServiceContractTests {

	private final InMemoryOAuth2AuthorizationService service = new InMemoryOAuth2AuthorizationService();

	@Override
	OAuth2AuthorizationService service() {
		return this.service;
	}

}
