package io.github.sasredis.benchmarks;

import java.util.SplittableRandom;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/** The grants one thread rotates outside JMH ({@link CpuAccount}, {@link RedisInstructions}), as {@code rotate} does. */
final class Rotations {

	private Rotations() {
	}

	/**
	 * Saves {@link StoreBenchmark#ROTATED_GRANTS_PER_THREAD} new grants.
	 * @return their refresh tokens
	 */
	static String[] seed(OAuth2AuthorizationService service, SplittableRandom random) {
		String[] refreshTokens = new String[StoreBenchmark.ROTATED_GRANTS_PER_THREAD];
		for (int i = 0; i < refreshTokens.length; i++) {
			OAuth2Authorization grant = Workload.newGrant(Workload.userId(random.nextInt(Workload.USERS)), random);
			service.save(grant);
			refreshTokens[i] = grant.getRefreshToken().getToken().getTokenValue();
		}
		return refreshTokens;
	}

	/**
	 * Finds the grant of {@code refreshTokens[slot]} and, unless {@code findOnly}, saves it rotated, keeping its new
	 * refresh token in the slot.
	 */
	static void rotate(OAuth2AuthorizationService service, String[] refreshTokens, int slot, boolean findOnly,
			SplittableRandom random) {
		OAuth2Authorization found = service.findByToken(refreshTokens[slot], OAuth2TokenType.REFRESH_TOKEN);
		if (found == null) {
			throw new IllegalStateException("a grant was not found by its refresh token");
		}
		if (!findOnly) {
			String next = Workload.randomValue(random, 128);
			service.save(Workload.rotate(found, Workload.accessTokenValue(random), next));
			refreshTokens[slot] = next;
		}
	}

}
