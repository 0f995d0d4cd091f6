package io.github.sasredis.store.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How an authorization's JSON document is kept in Redis: compressed (the default) or as plain JSON.
 * <p>
 * Compressed documents are the bytes {@code z1:} followed by the document's UTF-8 bytes compressed with raw
 * DEFLATE (RFC 1951) and a preset dictionary: the field names, type ids and class names Spring Authorization
 * Server's grants usually hold ({@code document-dictionary-1.txt} next to this class). A 4.1 KB OIDC grant is kept
 * in about 580 bytes. The dictionary is part of the stored format: it never changes; another one would get another
 * prefix ({@code z2:}) and this one would still be read.
 * <p>
 * {@link #decode} reads both forms whatever this encoding writes, so switching compression on or off needs no
 * migration: documents are rewritten in the new form as their grants are saved again. Errors name no content of
 * the document.
 * <p>
 * Thread-safe. Compressors and decompressors are pooled (not kept per thread, which would hold native memory for
 * every virtual thread that ever saved a grant); at most {@link #POOLED} of each are kept idle.
 */
public final class DocumentEncoding {

	/** Prefix of a document compressed with the first dictionary. */
	public static final String COMPRESSED_PREFIX = "z1:";

	private static final byte[] PREFIX_BYTES = COMPRESSED_PREFIX.getBytes(StandardCharsets.US_ASCII);

	/** Largest document {@link #decode} inflates: far above any grant, it bounds what a corrupt value costs. */
	static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

	static final int POOLED = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

	/**
	 * zlib level 3: for a grant's document about two thirds of the CPU of the default level 6, for about 6 % more
	 * bytes (the level is the writer's choice alone; every level writes the same format).
	 */
	private static final int LEVEL = 3;

	private static final String DICTIONARY_RESOURCE = "document-dictionary-1.txt";

	private static final byte[] DICTIONARY = loadDictionary();

	private static final DocumentEncoding PLAIN = new DocumentEncoding(false);

	private static final DocumentEncoding COMPRESSED = new DocumentEncoding(true);

	private final boolean compress;

	private final BlockingQueue<Deflater> deflaters = new ArrayBlockingQueue<>(POOLED);

	private final BlockingQueue<Inflater> inflaters = new ArrayBlockingQueue<>(POOLED);

	private DocumentEncoding(boolean compress) {
		this.compress = compress;
	}

	/**
	 * Returns the encoding that writes compressed documents.
	 * @return the encoding
	 */
	public static DocumentEncoding compressed() {
		return COMPRESSED;
	}

	/**
	 * Returns the encoding that writes plain JSON (readable with {@code redis-cli GET}).
	 * @return the encoding
	 */
	public static DocumentEncoding plain() {
		return PLAIN;
	}

	/**
	 * Returns whether this encoding writes compressed documents.
	 * @return whether it compresses
	 */
	public boolean isCompressed() {
		return this.compress;
	}

	/**
	 * Returns the form of a document to store.
	 * @param json the JSON document
	 * @return the JSON's UTF-8 bytes, or {@code z1:} followed by their compressed form
	 */
	public byte[] encode(String json) {
		byte[] input = json.getBytes(StandardCharsets.UTF_8);
		if (!this.compress) {
			return input;
		}
		Deflater deflater = this.deflaters.poll();
		if (deflater == null) {
			deflater = new Deflater(LEVEL, true);
		}
		try {
			deflater.setDictionary(DICTIONARY);
			deflater.setInput(input);
			deflater.finish();
			// DEFLATE adds at most a few bytes per 16 KB block to incompressible input
			byte[] output = new byte[PREFIX_BYTES.length + input.length + input.length / 8 + 64];
			System.arraycopy(PREFIX_BYTES, 0, output, 0, PREFIX_BYTES.length);
			int length = PREFIX_BYTES.length;
			while (!deflater.finished()) {
				if (length == output.length) {
					output = Arrays.copyOf(output, output.length * 2);
				}
				length += deflater.deflate(output, length, output.length - length);
			}
			return Arrays.copyOf(output, length);
		}
		finally {
			deflater.reset();
			if (!this.deflaters.offer(deflater)) {
				deflater.end();
			}
		}
	}

	/**
	 * Returns the JSON document of a stored value, compressed or not.
	 * @param stored what Redis holds
	 * @return the JSON document
	 * @throws IllegalStateException when the value is neither a JSON object nor a document this class compressed
	 */
	public String decode(byte[] stored) {
		if (!isCompressed(stored)) {
			if (stored.length == 0 || stored[0] != '{') {
				throw new IllegalStateException("Stored authorization document has an unknown encoding");
			}
			return new String(stored, StandardCharsets.UTF_8);
		}
		Inflater inflater = this.inflaters.poll();
		if (inflater == null) {
			inflater = new Inflater(true);
		}
		try {
			return inflate(inflater, stored, PREFIX_BYTES.length);
		}
		finally {
			inflater.reset();
			if (!this.inflaters.offer(inflater)) {
				inflater.end();
			}
		}
	}

	/**
	 * Returns whether a stored value is a compressed document (whether it starts with {@link #COMPRESSED_PREFIX}).
	 * @param stored what Redis holds
	 * @return whether it is compressed
	 */
	public static boolean isCompressed(byte[] stored) {
		return stored.length >= PREFIX_BYTES.length
				&& Arrays.equals(stored, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
	}

	private static String inflate(Inflater inflater, byte[] stored, int offset) {
		inflater.setDictionary(DICTIONARY);
		inflater.setInput(stored, offset, stored.length - offset);
		byte[] output = new byte[Math.min(MAX_DOCUMENT_BYTES, Math.max(1024, (stored.length - offset) * 8))];
		int length = 0;
		try {
			while (!inflater.finished()) {
				if (length == output.length) {
					if (output.length >= MAX_DOCUMENT_BYTES) {
						throw new IllegalStateException("Stored authorization document is larger than "
								+ MAX_DOCUMENT_BYTES + " bytes once decompressed");
					}
					output = Arrays.copyOf(output, Math.min(MAX_DOCUMENT_BYTES, output.length * 2));
				}
				int inflated = inflater.inflate(output, length, output.length - length);
				if (inflated == 0 && inflater.needsInput()) {
					throw new IllegalStateException("Stored authorization document is truncated");
				}
				length += inflated;
			}
		}
		catch (DataFormatException ex) {
			throw new IllegalStateException("Stored authorization document cannot be decompressed");
		}
		if (inflater.getRemaining() > 0) {
			throw new IllegalStateException("Stored authorization document has data after its end");
		}
		return new String(output, 0, length, StandardCharsets.UTF_8);
	}

	static byte[] dictionary() {
		return DICTIONARY.clone();
	}

	private static byte[] loadDictionary() {
		try (InputStream in = DocumentEncoding.class.getResourceAsStream(DICTIONARY_RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("Missing " + DICTIONARY_RESOURCE + " next to DocumentEncoding");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + DICTIONARY_RESOURCE, ex);
		}
	}

}
