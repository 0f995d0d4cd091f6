package io.github.sasredis.test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks that {@link SharedRedis} provides a Redis that answers, and that
 * {@link RedisTestClient} reads every data type back as expected.
 */
class SharedRedisTests {

	private final String prefix = "shared-redis-test:" + UUID.randomUUID() + ":";

	@Test
	void answersPing() {
		assertThat(SharedRedis.uri()).isEqualTo("redis://" + SharedRedis.host() + ":" + SharedRedis.port());
		assertThat(SharedRedis.source()).isNotBlank();
		try (RedisTestClient client = RedisTestClient.shared()) {
			assertThat(client.command("PING")).isEqualTo("PONG");
		}
		if (SharedRedis.process() != null) {
			assertThat(SharedRedis.process().isRunning()).isTrue();
			assertThat(SharedRedis.process().port()).isEqualTo(SharedRedis.port());
		}
	}

	@Test
	void clientReadsAllTypes() {
		try (RedisTestClient client = RedisTestClient.shared()) {
			String s = this.prefix + "string";
			String h = this.prefix + "hash";
			String z = this.prefix + "zset";
			String set = this.prefix + "set";
			String l = this.prefix + "list";
			client.command("SET", s, "string-value-\u00e9", "PX", "60000");
			client.command("HSET", h, "f1", "hash-value-1", "f2", "hash-value-2");
			client.command("ZADD", z, "2", "member-b", "1", "member-a");
			client.command("SADD", set, "set-member");
			client.command("RPUSH", l, "list-element");

			assertThat(client.get(s)).isEqualTo("string-value-\u00e9");
			assertThat(client.get(this.prefix + "missing")).isNull();
			assertThat(client.pttl(s)).isBetween(1L, 60000L);
			assertThat(client.ttl(s)).isBetween(1L, 60L);
			assertThat(client.ttl(h)).isEqualTo(-1);
			assertThat(client.ttl(this.prefix + "missing")).isEqualTo(-2);
			assertThat(client.type(h)).isEqualTo("hash");
			assertThat(client.type(this.prefix + "missing")).isEqualTo("none");
			assertThat(client.exists(z)).isTrue();
			assertThat(client.hgetAll(h)).containsExactly(Map.entry("f1", "hash-value-1"),
					Map.entry("f2", "hash-value-2"));
			assertThat(client.zrange(z)).containsExactly("member-a", "member-b");
			assertThat(client.scanAllKeys()).contains(s, h, z, set, l);

			String dump = client.dumpAllKeysAndValues();
			assertThat(dump).contains(s, "string-value-\u00e9", h, "f2", "hash-value-2", z, "member-b", set,
					"set-member", l, "list-element");

			assertThat(client.commandRaw("GET".getBytes(), s.getBytes())).isInstanceOf(byte[].class);
			assertThat(client.commandStats()).containsKeys("set", "hset", "zadd");
			long total = client.totalCommandsProcessed();
			assertThat(client.totalCommandsProcessed()).isGreaterThan(total);

			assertThat(client.del(s, h, z, set, l)).isEqualTo(5);
			assertThat(client.exists(s)).isFalse();
			assertThat(client.scanAllKeys()).doesNotContain(s, h, z, set, l);
		}
	}

	@Test
	void errorRepliesAreThrownAndTheConnectionStaysUsable() {
		try (RedisTestClient client = RedisTestClient.shared()) {
			assertThatThrownBy(() -> client.command("NOSUCHCOMMAND"))
				.isInstanceOf(RedisTestClient.RedisErrorException.class)
				.hasMessageContaining("unknown command");
			assertThat(client.command("ECHO", "still fine")).isEqualTo("still fine");
			assertThat((List<?>) client.command("MGET", this.prefix + "a", this.prefix + "b")).containsExactly(null,
					null);
		}
	}

}
