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
 * {@code authorization.lua} in front), and are sent with {@code EVALSHA} (falling back to {@code EVAL} once
 * after a Redis restart flushed the script cache).
 */
final class StoreScripts {

	/** Functions that read and write an authorization's value, put in front of the scripts that touch one. */
	private static final String AUTHORIZATION_FUNCTIONS = text("authorization.lua");

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> SAVE = script("save.lua", true);

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> FIND = script("find.lua", true);

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> FIND_BY_TOKEN = script("find_by_token.lua", true);

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> REMOVE = script("remove.lua", true);

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> LIST = script("list.lua", false);

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

	private StoreScripts() {
	}

	@SuppressWarnings("rawtypes")
	private static RedisScript<List> script(String name, boolean readsAuthorizations) {
		// the text, not the resource: a resource-backed script checks the class path again on every call
		String text = text(name);
		return RedisScript.of(readsAuthorizations ? AUTHORIZATION_FUNCTIONS + text : text, List.class);
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
