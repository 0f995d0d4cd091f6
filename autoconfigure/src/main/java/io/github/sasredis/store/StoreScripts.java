package io.github.sasredis.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.StreamUtils;

/**
 * The Lua scripts that make each write of the store one atomic round trip. They live next to this class as
 * {@code *.lua} resources, are read once (those that touch an authorization's value with the functions of
 * {@code authorization.lua} in front, and before them the lookup functions of the layout: {@code lookups-keys.lua}
 * or {@code lookups-hash-fields.lua}), and are sent with {@code EVALSHA} (falling back to {@code EVAL} once
 * after a Redis restart flushed the script cache).
 */
@SuppressWarnings("rawtypes")
final class StoreScripts {

	/** Functions that read and write an authorization's value, put in front of the scripts that touch one. */
	private static final String AUTHORIZATION_FUNCTIONS = text("authorization.lua");

	/** The scripts for lookups as keys. */
	static final StoreScripts LOOKUP_KEYS = new StoreScripts(text("lookups-keys.lua"));

	/** The scripts for lookups as hash fields. */
	static final StoreScripts HASH_FIELD_LOOKUPS = new StoreScripts(text("lookups-hash-fields.lua"));

	static final RedisScript<List> LIST = RedisScript.of(text("list.lua"), List.class);

	final RedisScript<List> save;

	final RedisScript<List> find;

	final RedisScript<List> findByToken;

	final RedisScript<List> remove;

	/** Script arguments: strings as UTF-8, a stored document's bytes as they are. */
	static final RedisSerializer<Object> ARGS = new RedisSerializer<>() {

		@Override
		public byte[] serialize(@Nullable Object value) {
			return (value instanceof byte[] bytes) ? bytes : String.valueOf(value).getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public Object deserialize(byte @Nullable [] bytes) {
			return bytes;
		}

	};

	/** Replies of strings and numbers only, strings read as UTF-8. */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	static final RedisSerializer<List> STRING_RESULT = (RedisSerializer) RedisSerializer.string();

	/** Replies that hold a stored document: every string as its bytes ({@link StoredAuthorizationReply}). */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	static final RedisSerializer<List> RAW_RESULT = (RedisSerializer) RedisSerializer.byteArray();

	private StoreScripts(String lookupFunctions) {
		this.save = script(lookupFunctions, "save.lua");
		this.find = script(lookupFunctions, "find.lua");
		this.findByToken = script(lookupFunctions, "find_by_token.lua");
		this.remove = script(lookupFunctions, "remove.lua");
	}

	/**
	 * The scripts for the given key names' layout of lookups.
	 * @param keys the key names
	 * @return the scripts
	 */
	static StoreScripts of(RedisKeys keys) {
		return keys.hasHashFieldLookups() ? HASH_FIELD_LOOKUPS : LOOKUP_KEYS;
	}

	private static RedisScript<List> script(String lookupFunctions, String name) {
		// the text, not the resource: a resource-backed script checks the class path again on every call
		return RedisScript.of(lookupFunctions + AUTHORIZATION_FUNCTIONS + text(name), List.class);
	}

	private static String text(String name) {
		try {
			return StreamUtils.copyToString(new ClassPathResource(name, StoreScripts.class).getInputStream(),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the store's script " + name, ex);
		}
	}

}
