package io.github.sasredis.store.mapping;

import java.time.Instant;
import java.util.Set;

import io.github.sasredis.store.RefreshTokenRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RefreshTokenRecordMapper}: the exact JSON the Python tooling reads, and back.
 */
class RefreshTokenRecordMapperTests {

	private final RefreshTokenRecordMapper mapper = new RefreshTokenRecordMapper();

	@Test
	void writeThenFieldsInOrderTimesToTheSecond() {
		RefreshTokenRecord record = new RefreshTokenRecord("alice", "AbC-_09xYz0123456789ab", "client-1", "auth-1",
				Instant.parse("2026-12-04T10:15:30.987654321Z"), Instant.parse("2026-12-04T18:15:30.5Z"),
				Set.of("openid"));
		assertThat(this.mapper.write(record)).isEqualTo("{\"user_id\":\"alice\",\"jti\":\"AbC-_09xYz0123456789ab\","
				+ "\"client_id\":\"client-1\",\"authorization_id\":\"auth-1\",\"created_at\":\"2026-12-04T10:15:30Z\","
				+ "\"expires_at\":\"2026-12-04T18:15:30Z\",\"scopes\":[\"openid\"]}");
	}

	@Test
	void writeWhenUserIdHasQuotesControlCharactersAndNonAsciiThenEscapedJson() {
		RefreshTokenRecord record = new RefreshTokenRecord("a\"b\\c\n\u0001é\uD83D\uDE00", "jti", "c", "a",
				Instant.parse("2026-12-04T10:15:30Z"), Instant.parse("2026-12-04T18:15:30Z"), Set.of());
		assertThat(this.mapper.write(record)).isEqualTo("{\"user_id\":\"a\\\"b\\\\c\\n\\u0001é\uD83D\uDE00\","
				+ "\"jti\":\"jti\",\"client_id\":\"c\",\"authorization_id\":\"a\","
				+ "\"created_at\":\"2026-12-04T10:15:30Z\",\"expires_at\":\"2026-12-04T18:15:30Z\",\"scopes\":[]}");
		assertThat(this.mapper.read(this.mapper.write(record))).isEqualTo(record);
	}

	@Test
	void readWhenWrittenThenSameRecordToTheSecond() {
		RefreshTokenRecord record = new RefreshTokenRecord("user 1", "jti-1", "client-1", "auth-1",
				Instant.parse("2026-12-04T10:15:30.9Z"), Instant.parse("2026-12-04T18:15:30Z"),
				Set.of("openid", "profile", "read"));
		RefreshTokenRecord read = this.mapper.read(this.mapper.write(record));
		assertThat(read.createdAt()).isEqualTo(Instant.parse("2026-12-04T10:15:30Z"));
		assertThat(read).usingRecursiveComparison().ignoringFields("createdAt").isEqualTo(record);
	}

	@Test
	void readWhenPythonToolingWroteItThenRead() {
		// the form json.dumps gives, spaces after separators and fields in another order
		RefreshTokenRecord read = this.mapper.read("{\"jti\": \"j\", \"user_id\": \"u\", \"created_at\": "
				+ "\"2026-12-04T10:15:30Z\", \"expires_at\": \"2026-12-04T18:15:30Z\", \"client_id\": \"c\", "
				+ "\"authorization_id\": \"a\", \"scopes\": [\"read\"], \"extra\": {\"x\": [1, 2]}}");
		assertThat(read).isEqualTo(new RefreshTokenRecord("u", "j", "c", "a", Instant.parse("2026-12-04T10:15:30Z"),
				Instant.parse("2026-12-04T18:15:30Z"), Set.of("read")));
	}

}
