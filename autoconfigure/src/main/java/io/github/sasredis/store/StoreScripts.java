package io.github.sasredis.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.StreamUtils;

/**
 * The Lua scripts that make each write of the store one atomic round trip. They live next to this class as
 * {@code *.lua} resources, are read once, and are sent with {@code EVALSHA} (falling back to {@code EVAL} once
 * after a Redis restart flushed the script cache).
 */
final class StoreScripts {

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> SAVE = script("save.lua");

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> FIND = script("find.lua");

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> FIND_BY_TOKEN = script("find_by_token.lua");

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> REMOVE = script("remove.lua");

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> LIST = script("list.lua");

	private StoreScripts() {
	}

	@SuppressWarnings("rawtypes")
	private static RedisScript<List> script(String name) {
		// the text, not the resource: a resource-backed script checks the class path again on every call
		try {
			String text = StreamUtils.copyToString(new ClassPathResource(name, StoreScripts.class).getInputStream(),
					StandardCharsets.UTF_8);
			return RedisScript.of(text, List.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the store's script " + name, ex);
		}
	}

}
