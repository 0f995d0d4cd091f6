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
	 * @return its first 8 characters followed by {@code ...}, control characters (line breaks, for example) shown as
	 * {@code ?}
	 */
	public static String forLog(String userId) {
		if (userId == null) {
			return "null";
		}
		int end = Math.min(SHOWN, userId.length());
		if (end > 0 && Character.isHighSurrogate(userId.charAt(end - 1))) {
			end--;
		}
		StringBuilder shown = new StringBuilder(end + 3);
		for (int i = 0; i < end; i++) {
			char c = userId.charAt(i);
			// a user id is data: a control character (a line break, say) must not start a log line of its own
			shown.append(Character.isISOControl(c) ? '?' : c);
		}
		return shown.append("...").toString();
	}

}
