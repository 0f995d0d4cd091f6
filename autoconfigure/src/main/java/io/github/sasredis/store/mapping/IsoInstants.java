package io.github.sasredis.store.mapping;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes and reads instants as {@link Instant#toString()} and {@link Instant#parse} do, without the general
 * {@code DateTimeFormatter} machinery for the one form the document holds ({@code 2026-12-01T21:06:51.116641370Z}:
 * years 0000 to 9999, UTC, no fraction or one of 3, 6 or 9 digits). Anything else goes to the JDK's own methods, so
 * the text and the instants are exactly theirs.
 */
final class IsoInstants {

	private static final int[] POWERS_OF_TEN = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
			100_000_000, 1_000_000_000 };

	/** 0000-01-01T00:00:00Z */
	private static final long MIN_FAST_SECOND = -62_167_219_200L;

	/** 9999-12-31T23:59:59Z */
	private static final long MAX_FAST_SECOND = 253_402_300_799L;

	private IsoInstants() {
	}

	/**
	 * @param instant the instant
	 * @return {@code instant.toString()}
	 */
	static String format(Instant instant) {
		long seconds = instant.getEpochSecond();
		if (seconds < MIN_FAST_SECOND || seconds > MAX_FAST_SECOND) {
			return instant.toString();
		}
		LocalDateTime time = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
		StringBuilder text = new StringBuilder(30);
		digits(text, time.getYear(), 4).append('-');
		digits(text, time.getMonthValue(), 2).append('-');
		digits(text, time.getDayOfMonth(), 2).append('T');
		digits(text, time.getHour(), 2).append(':');
		digits(text, time.getMinute(), 2).append(':');
		digits(text, time.getSecond(), 2);
		int nanos = instant.getNano();
		if (nanos != 0) {
			text.append('.');
			if (nanos % 1_000_000 == 0) {
				digits(text, nanos / 1_000_000, 3);
			}
			else if (nanos % 1_000 == 0) {
				digits(text, nanos / 1_000, 6);
			}
			else {
				digits(text, nanos, 9);
			}
		}
		return text.append('Z').toString();
	}

	/**
	 * @param text an instant as {@link Instant#toString()} writes it
	 * @return {@code Instant.parse(text)}
	 * @throws java.time.format.DateTimeParseException as {@link Instant#parse} does
	 */
	static Instant parse(String text) {
		Instant parsed = parseCommonForm(text);
		return (parsed != null) ? parsed : Instant.parse(text);
	}

	private static Instant parseCommonForm(String text) {
		int length = text.length();
		if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
				|| text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
			return null;
		}
		int year = number(text, 0, 4);
		int month = number(text, 5, 7);
		int day = number(text, 8, 10);
		int hour = number(text, 11, 13);
		int minute = number(text, 14, 16);
		int second = number(text, 17, 19);
		int nanos = 0;
		if (length > 20) {
			int fractionDigits = length - 21;
			if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
				return null;
			}
			int fraction = number(text, 20, length - 1);
			if (fraction < 0) {
				return null;
			}
			nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
		}
		if (year < 0 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
				|| second > 59) {
			return null;
		}
		try {
			long days = LocalDate.of(year, month, day).toEpochDay();
			return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
		}
		catch (DateTimeException ex) {
			// not a date (February 30th): let Instant.parse say so
			return null;
		}
	}

	/** The decimal number of text[from, to), or -1 if a character is not an ASCII digit. */
	private static int number(String text, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			int digit = text.charAt(i) - '0';
			if (digit < 0 || digit > 9) {
				return -1;
			}
			value = value * 10 + digit;
		}
		return value;
	}

	private static StringBuilder digits(StringBuilder text, int value, int width) {
		String digits = Integer.toString(value);
		for (int i = digits.length(); i < width; i++) {
			text.append('0');
		}
		return text.append(digits);
	}

}
