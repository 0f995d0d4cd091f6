package io.github.sasredis.store.mapping;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Our instant text is exactly the JDK's: the same text out, the same instant back, the same exception for bad text.
 */
class IsoInstantsTests {

	@Test
	void formatAndParseWhenRandomInstantsThenAsInstantToStringAndParse() {
		SplittableRandom random = new SplittableRandom(20261201);
		long from = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond() - 1_000;
		long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() + 1_000;
		for (int i = 0; i < 200_000; i++) {
			long seconds = (i % 4 == 0) ? random.nextLong(from, to) : random.nextLong(0, 4_102_444_800L);
			int nanos = switch (i % 4) {
				case 0 -> 0;
				case 1 -> random.nextInt(1_000) * 1_000_000;
				case 2 -> random.nextInt(1_000_000) * 1_000;
				default -> random.nextInt(1_000_000_000);
			};
			Instant instant = Instant.ofEpochSecond(seconds, nanos);
			String text = IsoInstants.format(instant);
			assertThat(text).isEqualTo(instant.toString());
			assertThat(IsoInstants.parse(text)).isEqualTo(instant);
		}
	}

	@Test
	void formatAndParseWhenEdgesThenAsTheJdk() {
		for (Instant instant : List.of(Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.ofEpochSecond(-1, 1),
				Instant.parse("2024-02-29T23:59:59.999999999Z"), Instant.parse("0000-01-01T00:00:00Z"),
				Instant.parse("9999-12-31T23:59:59.9Z"), Instant.parse("+10000-01-01T00:00:00Z"))) {
			assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
			assertThat(IsoInstants.parse(instant.toString())).isEqualTo(instant);
		}
		for (String text : List.of("2026-12-01T21:00:00.1Z", "2026-12-01T21:00:00.12Z", "2026-12-01T21:00:00.1234Z",
				"2026-12-01t21:00:00z", "2016-12-31T23:59:60Z", "2026-12-01T21:00:00.000000000Z",
				// the JDK takes these too (the next day's midnight, an empty fraction): the fast path leaves them to it
				"2026-12-01T24:00:00Z", "2026-12-01T21:00:00.Z")) {
			assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
		}
	}

	@Test
	void parseWhenNotAnInstantThenDateTimeParseExceptionAsTheJdk() {
		for (String text : List.of("", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-01T25:00:00Z",
				"2026-12-01T21:00:00.1234567890Z", "2026-12-01T21:0a:00Z",
				"2026-12-01 21:00:00Z", "2026-12-01T21:00:00+01:00x", "١٢٣٤-12-01T21:00:00Z")) {
			assertThatExceptionOfType(DateTimeParseException.class).as(text)
				.isThrownBy(() -> IsoInstants.parse(text));
			assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> Instant.parse(text));
		}
	}

}
