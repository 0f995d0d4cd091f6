package io.github.sasredis.store;

import java.util.List;

/**
 * With hash-field lookups the stored document does not repeat the digests its authorization's header holds (the
 * refresh token's, then the other lookups', see {@code authorization.lua}): each {@code "digest":"<digest>"} of the
 * document's JSON is written as {@code "digest":"#<position in the header>"} and put back when the document is read,
 * before the mapper sees it. Digests are random base64url, which compresses poorly: this keeps about 160 bytes of a
 * compressed OIDC grant out of Redis. A document that holds its digests is read as it is.
 */
final class DigestReferences {

	private static final String DIGEST = "\"digest\":\"";

	private DigestReferences() {
	}

	/**
	 * Replaces each digest of the header in the document by its position.
	 * @param json the document
	 * @param headerDigests the header's digests, in order
	 * @return the document with references
	 */
	static String refer(String json, List<String> headerDigests) {
		int at = json.indexOf(DIGEST);
		if (at < 0 || headerDigests.isEmpty()) {
			return json;
		}
		// one pass: the document holds a handful of digests, the header at most a few more
		StringBuilder referred = new StringBuilder(json.length());
		int from = 0;
		while (at >= 0) {
			int start = at + DIGEST.length();
			int end = json.indexOf('"', start);
			if (end < 0) {
				break;
			}
			int position = positionOf(json, start, end, headerDigests);
			if (position >= 0) {
				referred.append(json, from, start).append('#').append(position);
				from = end;
			}
			at = json.indexOf(DIGEST, end);
		}
		return referred.append(json, from, json.length()).toString();
	}

	private static int positionOf(String json, int start, int end, List<String> headerDigests) {
		for (int i = 0; i < headerDigests.size(); i++) {
			String digest = headerDigests.get(i);
			if (digest.length() == end - start && json.regionMatches(start, digest, 0, digest.length())) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Puts the header's digests back in place of their positions.
	 * @param json the stored document
	 * @param headerDigests the header's digests, in order
	 * @return the document with digests
	 * @throws IllegalStateException when a reference names no digest of the header
	 */
	static String resolve(String json, List<String> headerDigests) {
		int at = json.indexOf(DIGEST + "#");
		if (at < 0) {
			return json;
		}
		StringBuilder resolved = new StringBuilder(json.length() + 64 * headerDigests.size());
		int from = 0;
		while (at >= 0) {
			int start = at + DIGEST.length() + 1;
			int end = json.indexOf('"', start);
			int position = (end > start && end - start <= 3) ? parse(json, start, end) : -1;
			if (position < 0 || position >= headerDigests.size()) {
				throw new IllegalStateException("A stored document refers to a digest its authorization does not hold");
			}
			resolved.append(json, from, at + DIGEST.length()).append(headerDigests.get(position));
			from = end;
			at = json.indexOf(DIGEST + "#", end);
		}
		return resolved.append(json, from, json.length()).toString();
	}

	private static int parse(String json, int start, int end) {
		int value = 0;
		for (int i = start; i < end; i++) {
			char c = json.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
