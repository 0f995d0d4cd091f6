package io.github.sasredis.store;

import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts that make each write of the store one atomic round trip. They live next to this class as
 * {@code *.lua} resources and are sent with {@code EVALSHA} (falling back to {@code EVAL} once after a Redis
 * restart flushed the script cache).
 */
final class StoreScripts {

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> SAVE = script("save.lua", List.class);

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> FIND = script("find.lua", List.class);

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> REMOVE = script("remove.lua", List.class);

	@SuppressWarnings("rawtypes")
	static final RedisScript<List> LIST = script("list.lua", List.class);

	private StoreScripts() {
	}

	private static <T> RedisScript<T> script(String name, Class<T> resultType) {
		return RedisScript.of(new ClassPathResource(name, StoreScripts.class), resultType);
	}

}
