package io.github.sasredis.store.mapping;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Set;

import io.github.sasredis.store.RefreshTokenRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps a {@link RefreshTokenRecord} to the JSON value of its {@code refresh_token:{user_id}:{jti}} key and back:
 * {@code {"user_id", "jti", "client_id", "authorization_id", "created_at", "expires_at", "scopes"}}, times in
 * ISO-8601 UTC to the second, as the existing Python tooling reads them.
 */
public class RefreshTokenRecordMapper {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	/**
	 * Writes a record.
	 * @param record the record
	 * @return its JSON
	 */
	public String write(RefreshTokenRecord record) {
		ObjectNode node = this.jsonMapper.createObjectNode();
		node.put("user_id", record.userId());
		node.put("jti", record.jti());
		node.put("client_id", record.clientId());
		node.put("authorization_id", record.authorizationId());
		node.put("created_at", record.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
		node.put("expires_at", record.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
		record.scopes().forEach(node.putArray("scopes")::add);
		return this.jsonMapper.writeValueAsString(node);
	}

	/**
	 * Reads a record.
	 * @param json its JSON
	 * @return the record
	 */
	public RefreshTokenRecord read(String json) {
		JsonNode node = this.jsonMapper.readTree(json);
		Set<String> scopes = new LinkedHashSet<>();
		JsonNode scopesNode = node.get("scopes");
		if (scopesNode != null) {
			scopesNode.forEach((scope) -> scopes.add(scope.asString()));
		}
		return new RefreshTokenRecord(node.get("user_id").asString(), node.get("jti").asString(),
				node.get("client_id").asString(), node.get("authorization_id").asString(),
				Instant.parse(node.get("created_at").asString()), Instant.parse(node.get("expires_at").asString()),
				scopes);
	}

}
