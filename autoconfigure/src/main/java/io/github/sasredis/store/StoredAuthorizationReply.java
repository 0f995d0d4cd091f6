package io.github.sasredis.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What {@code find.lua} (or the tail of {@code find_by_token.lua}'s reply) returns for one authorization, read with
 * {@link StoreScripts#RAW_RESULT}: the stored document's bytes, its version, the digest of the refresh token it
 * replaced and the rotation time (both {@code null} before a rotation), and its refresh-token record key (empty
 * without one). The scripts return the authorization's whole value and the document's offset in it rather than the
 * document: Redis hashes every byte of a string a script makes, and the document is most of the value.
 *
 * @param document the stored document
 * @param version the version
 * @param predecessorDigest the digest of the rotated-out refresh token, or {@code null}
 * @param rotatedAt the rotation time (epoch ms), or {@code null}
 * @param recordKey the refresh-token record key, or empty
 * @param headerDigests the digests the authorization's header holds: its refresh token's (when it has one), then
 * those of its other lookups, in order, which a document's tokens may name by position
 */
record StoredAuthorizationReply(byte[] document, String version, @Nullable String predecessorDigest,
		@Nullable String rotatedAt, String recordKey, List<String> headerDigests) {

	/**
	 * Reads a reply from its {@code from}th element on.
	 * @param reply the script's reply, bulk strings as bytes
	 * @param from index of the document
	 * @return the authorization, or {@code null} when the reply holds none
	 */
	static @Nullable StoredAuthorizationReply of(@Nullable List<?> reply, int from) {
		if (reply == null || reply.size() < from + 6 || !(reply.get(from) instanceof byte[] value)
				|| !(reply.get(from + 1) instanceof Number offset) || offset.longValue() < 1
				|| offset.longValue() > value.length) {
			return null;
		}
		byte[] document = Arrays.copyOfRange(value, offset.intValue() - 1, value.length);
		return new StoredAuthorizationReply(document, text(reply.get(from + 2)), nullableText(reply.get(from + 3)),
				nullableText(reply.get(from + 4)), text(reply.get(from + 5)), headerDigests(value));
	}

	/**
	 * The refresh token's digest (third line of the header) and the other lookups' (seventh, space-separated).
	 */
	private static List<String> headerDigests(byte[] value) {
		String refresh = null;
		String others = null;
		int start = 0;
		for (int line = 1; line <= 7; line++) {
			int end = indexOf(value, (byte) '\n', start);
			if (end < 0) {
				return List.of();
			}
			if (line == 3) {
				refresh = new String(value, start, end - start, StandardCharsets.US_ASCII);
			}
			else if (line == 7) {
				others = new String(value, start, end - start, StandardCharsets.US_ASCII);
			}
			start = end + 1;
		}
		List<String> digests = new ArrayList<>(4);
		if (!refresh.isEmpty()) {
			digests.add(refresh);
		}
		for (String digest : others.split(" ")) {
			if (!digest.isEmpty()) {
				digests.add(digest);
			}
		}
		return digests;
	}

	private static int indexOf(byte[] value, byte wanted, int from) {
		for (int i = from; i < value.length; i++) {
			if (value[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

	private static String text(@Nullable Object element) {
		String text = nullableText(element);
		return (text != null) ? text : "";
	}

	static @Nullable String nullableText(@Nullable Object element) {
		if (element instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return (element != null) ? element.toString() : null;
	}

}
