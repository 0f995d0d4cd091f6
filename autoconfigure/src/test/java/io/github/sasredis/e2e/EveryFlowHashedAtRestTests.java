package io.github.sasredis.e2e;

import java.util.ArrayList;
import java.util.List;

import io.github.sasredis.store.TokenDigester;
import io.github.sasredis.test.OAuth2HttpClient;
import io.github.sasredis.test.OAuth2HttpClient.TokenResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing usable at rest, in every flow (issue 5, point 1): after each step of every flow Spring Authorization
 * Server offers (authorization code + PKCE, refresh with and without rotation, consent, client credentials, device
 * authorization with and without consent, token exchange, revocation, introspection, OIDC UserInfo, OIDC logout with
 * an ID token hint), every key and every value in Redis is dumped and none of the codes, tokens, device or user codes
 * or consent states the server sent so far appears in it; each flow is shown to work.
 */
class EveryFlowHashedAtRestTests extends EveryFlowTestSupport {

	@Test
	void everyFlowWhenRunThenWorksAndNoSecretIsEverInRedis() {
		List<String> checkpoints = new ArrayList<>();
		List<String> secrets = runEveryFlow(USER, (step, sent) -> {
			assertNothingUsableAtRest(step, sent);
			checkpoints.add(step);
		});
		assertThat(checkpoints).containsExactly("authorization code + PKCE", "refresh with rotation",
				"refresh without rotation", "authorization request awaiting consent", "authorization code with consent",
				"client credentials", "device grant (rotating-client): device authorization request",
				"device grant (rotating-client): awaiting consent", "device grant (rotating-client): verified",
				"device grant (rotating-client): tokens polled", "device grant refreshed",
				"device grant (consenting-client): device authorization request",
				"device grant (consenting-client): verified", "device grant (consenting-client): tokens polled",
				"introspection", "OIDC UserInfo", "token exchange", "OIDC logout", "revocation",
				"rotated-out refresh token introspected");
		assertThat(secrets).doesNotHaveDuplicates().hasSizeGreaterThan(30);
		// the store does keep digests of them: the dump is checked against something real
		String dump = this.redis.dumpAllKeysAndValues();
		TokenDigester digester = TokenDigester.sha256();
		String stillLookedUp = secrets.stream()
			.filter((secret) -> dump.contains("oauth2:token:" + digester.digest(secret)))
			.findAny()
			.orElse(null);
		assertThat(stillLookedUp).as("some secret still has its lookup key (by digest)").isNotNull();
	}

	@Test
	void digestFoundInRedisWhenPresentedAsTokenThenUseless() {
		OAuth2HttpClient client = rotatingClient();
		TokenResponse issued = client.authorizationCodeFlow(USER, PASSWORD, "openid read");
		TokenDigester digester = TokenDigester.sha256();
		String refreshDigest = digester.digest(issued.refreshToken());
		String accessDigest = digester.digest(issued.accessToken());
		String dump = this.redis.dumpAllKeysAndValues();
		assertThat(dump).contains(refreshDigest, accessDigest);
		for (String stolen : List.of(refreshDigest, "{digest}" + refreshDigest, "oauth2:token:" + refreshDigest)) {
			TokenResponse refused = client.refresh(stolen);
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.error()).isEqualTo("invalid_grant");
		}
		for (String stolen : List.of(accessDigest, "{digest}" + accessDigest)) {
			assertThat(client.introspect(stolen).get("active").asBoolean()).isFalse();
			assertThat(client.userInfo(stolen).status()).isEqualTo(401);
		}
		assertThat(client.refresh(issued.refreshToken()).status()).as("the real token still works").isEqualTo(200);
	}

}
