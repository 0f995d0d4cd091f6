package io.github.sasredis.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UserIds}.
 */
class UserIdsTests {

	@Test
	void forLogWhenLongThenFirstEightCharacters() {
		assertThat(UserIds.forLog("alice@example.com")).isEqualTo("alice@ex...");
		assertThat(UserIds.forLog("bob")).isEqualTo("bob...");
	}

	@Test
	void forLogWhenControlCharactersThenNoLineBreakReachesTheLog() {
		assertThat(UserIds.forLog("x\r\nWARN forged")).isEqualTo("x??WARN ...");
		assertThat(UserIds.forLog("\u0000\t\u001b[31m")).isEqualTo("???[31m...");
	}

	@Test
	void forLogWhenSurrogatePairAtTheCutThenNotSplit() {
		assertThat(UserIds.forLog("abcdefg\uD83D\uDE00z")).isEqualTo("abcdefg...");
	}

}
