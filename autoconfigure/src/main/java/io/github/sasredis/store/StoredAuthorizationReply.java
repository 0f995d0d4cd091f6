package io.github.sasredis.store;

import java.nio.charset.StandardCharsets;
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
 */
record StoredAuthorizationReply(byte[] document, String version, @Nullable String predecessorDigest,
		@Nullable String rotatedAt, String recordKey) {

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
				nullableText(reply.get(from + 4)), text(reply.get(from + 5)));
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
