package io.github.sasredis.store;

/**
 * Shortens user ids for log lines, as the service this store replaces logged them: the first 8 characters
 * followed by {@code ...}.
 */
public final class UserIds {

	private static final int SHOWN = 8;

	private UserIds() {
	}

	/**
	 * Returns the user id as it may appear in a log line.
	 * @param userId the user id
	 * @return its first 8 characters followed by {@code ...}
	 */
	public static String forLog(String userId) {
		if (userId == null) {
			return "null";
		}
		int end = Math.min(SHOWN, userId.length());
		if (end > 0 && Character.isHighSurrogate(userId.charAt(end - 1))) {
			end--;
		}
		return userId.substring(0, end) + "...";
	}

}
