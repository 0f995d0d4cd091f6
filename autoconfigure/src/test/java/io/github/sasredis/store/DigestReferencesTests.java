package io.github.sasredis.store;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Digests of a document written as their position in the authorization's header, and put back.
 */
class DigestReferencesTests {

	private static final String REFRESH = "r".repeat(43);

	private static final String ACCESS = "a".repeat(43);

	private static final String JSON = "{\"tokens\":{\"a\":{\"digest\":\"" + ACCESS + "\",\"exp\":1},\"r\":{\"digest\":\""
			+ REFRESH + "\"}},\"note\":\"digest " + ACCESS + "\"}";

	@Test
	void referWhenDigestsInHeaderThenPositionsAndResolvedBack() {
		String referred = DigestReferences.refer(JSON, List.of(REFRESH, ACCESS));
		assertThat(referred).isEqualTo("{\"tokens\":{\"a\":{\"digest\":\"#1\",\"exp\":1},\"r\":{\"digest\":\"#0\"}},"
				+ "\"note\":\"digest " + ACCESS + "\"}");
		assertThat(DigestReferences.resolve(referred, List.of(REFRESH, ACCESS))).isEqualTo(JSON);
	}

	@Test
	void referWhenDigestNotInHeaderThenKept() {
		assertThat(DigestReferences.refer(JSON, List.of(REFRESH))).contains("\"digest\":\"" + ACCESS + "\"")
			.contains("\"digest\":\"#0\"");
	}

	@Test
	void resolveWhenDocumentHoldsItsDigestsThenUnchanged() {
		assertThat(DigestReferences.resolve(JSON, List.of())).isSameAs(JSON);
	}

	@Test
	void resolveWhenReferenceNamesNoDigestOfTheHeaderThenIllegalState() {
		for (String reference : List.of("#2", "#x", "#", "#1234", "#-1")) {
			String json = "{\"digest\":\"" + reference + "\"}";
			assertThatIllegalStateException().as(reference)
				.isThrownBy(() -> DigestReferences.resolve(json, List.of(REFRESH, ACCESS)))
				.withMessageNotContaining(REFRESH)
				.withMessageNotContaining(ACCESS);
		}
	}

}
