package io.github.sasredis.store.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.util.Assert;

/**
 * Maps an {@link OAuth2Authorization} to the JSON document the store keeps, and back. The document holds
 * everything the authorization holds except secrets: token values and the {@code state} attribute are replaced
 * by the digests the caller computed. Attributes and token metadata (claims, the invalidated flag) are written
 * with Spring Security's Jackson 3 modules and their type allowlist, as {@code JdbcOAuth2AuthorizationService}
 * does; an application allows its own principal types with {@link #createJsonMapper(ClassLoader, Consumer)}.
 * <p>
 * Document layout: {@code {"id", "client", "principal", "grant", "scopes": [...], "attributes": {...},
 * "tokens": {"<kind code>": {"digest", "iat", "exp", "metadata", "type", "scopes", "jti"}}}}.
 */
public class OAuth2AuthorizationDocumentMapper {

	private final JsonMapper jsonMapper;

	private final JavaType mapType;

	/**
	 * Creates a mapper that allows the types Spring Security's modules allow.
	 */
	public OAuth2AuthorizationDocumentMapper() {
		this(createJsonMapper(OAuth2AuthorizationDocumentMapper.class.getClassLoader(), (builder) -> {
		}));
	}

	/**
	 * Creates a mapper on the given {@link JsonMapper}, which must carry Spring Security's modules.
	 * @param jsonMapper the mapper for attributes and metadata
	 */
	public OAuth2AuthorizationDocumentMapper(JsonMapper jsonMapper) {
		Assert.notNull(jsonMapper, "jsonMapper cannot be null");
		this.jsonMapper = jsonMapper;
		this.mapType = jsonMapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class);
	}

	/**
	 * Creates a {@link JsonMapper} with Spring Security's Jackson modules and their polymorphic type allowlist,
	 * extended by the given customizer, and a module that lets Jackson cache the deserializers of typed collections
	 * and maps (it changes no JSON; see {@code CachedContainerDeserializers}). Use it to allow an application's own principal or attribute types, for
	 * example {@code builder -> builder.allowIfSubType(MyUser.class)}.
	 * @param classLoader the class loader to find the modules with
	 * @param allowlist a customizer of the type allowlist
	 * @return the mapper
	 */
	public static JsonMapper createJsonMapper(ClassLoader classLoader,
			Consumer<BasicPolymorphicTypeValidator.Builder> allowlist) {
		Assert.notNull(classLoader, "classLoader cannot be null");
		Assert.notNull(allowlist, "allowlist cannot be null");
		BasicPolymorphicTypeValidator.Builder builder = BasicPolymorphicTypeValidator.builder();
		allowlist.accept(builder);
		return JsonMapper.builder()
			.addModules(SecurityJacksonModules.getModules(classLoader, builder))
			.addModule(new CachedContainerDeserializers())
			.build();
	}

	/**
	 * Writes the document of an authorization.
	 * @param authorization the authorization
	 * @param digests the digest of each secret the authorization holds, by kind
	 * @param refreshTokenJti the jti of its refresh token, or {@code null}
	 * @param excludedAttributes attribute names not to write
	 * @return the JSON document
	 */
	public String write(OAuth2Authorization authorization, Map<TokenKind, String> digests,
			@Nullable String refreshTokenJti, Set<String> excludedAttributes) {
		ObjectNode document = this.jsonMapper.createObjectNode();
		document.put("id", authorization.getId());
		document.put("client", authorization.getRegisteredClientId());
		document.put("principal", authorization.getPrincipalName());
		document.put("grant", authorization.getAuthorizationGrantType().getValue());
		writeStrings(document.putArray("scopes"), authorization.getAuthorizedScopes());
		Map<String, Object> attributes = new LinkedHashMap<>(authorization.getAttributes());
		attributes.remove(OAuth2ParameterNames.STATE);
		attributes.keySet().removeAll(excludedAttributes);
		document.set("attributes", this.jsonMapper.valueToTree(attributes));
		ObjectNode tokens = document.putObject("tokens");
		String stateDigest = digests.get(TokenKind.STATE);
		if (stateDigest != null) {
			tokens.putObject(TokenKind.STATE.code()).put("digest", stateDigest);
		}
		for (TokenKind kind : TokenKind.values()) {
			OAuth2Authorization.Token<? extends OAuth2Token> token = kind.tokenIn(authorization);
			if (token == null) {
				continue;
			}
			String digest = digests.get(kind);
			Assert.state(digest != null, () -> "no digest given for the " + kind + " of the authorization");
			ObjectNode node = tokens.putObject(kind.code());
			node.put("digest", digest);
			putInstant(node, "iat", token.getToken().getIssuedAt());
			putInstant(node, "exp", token.getToken().getExpiresAt());
			node.set("metadata", this.jsonMapper.valueToTree(plainCollections(token.getMetadata())));
			if (token.getToken() instanceof OAuth2AccessToken accessToken) {
				node.put("type", accessToken.getTokenType().getValue());
				writeStrings(node.putArray("scopes"), accessToken.getScopes());
			}
			if (kind == TokenKind.REFRESH_TOKEN && refreshTokenJti != null) {
				node.put("jti", refreshTokenJti);
			}
		}
		return this.jsonMapper.writeValueAsString(document);
	}

	/**
	 * Reads a document written by {@link #write}.
	 * @param json the JSON document
	 * @param presentedKind the kind of secret the caller presented, or {@code null}
	 * @param presentedValue the value the caller presented, put back in place of its placeholder
	 * @param extraAttributes attributes to add to the authorization
	 * @return the authorization with placeholder values but the presented one, its digests and jti
	 */
	@SuppressWarnings("unchecked")
	public StoredAuthorization read(String json, @Nullable TokenKind presentedKind, @Nullable String presentedValue,
			Map<String, Object> extraAttributes) {
		JsonNode document = this.jsonMapper.readTree(json);
		String registeredClientId = document.get("client").asString();
		OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(clientWithId(registeredClientId))
			.id(document.get("id").asString())
			.principalName(document.get("principal").asString())
			.authorizationGrantType(new AuthorizationGrantType(document.get("grant").asString()))
			.authorizedScopes(readStrings(document.get("scopes")));
		Map<String, Object> attributes = readMap(document.get("attributes"));
		builder.attributes((attrs) -> {
			attrs.putAll(attributes);
			attrs.putAll(extraAttributes);
		});
		Map<TokenKind, String> digests = new EnumMap<>(TokenKind.class);
		String jti = null;
		JsonNode tokens = document.get("tokens");
		for (TokenKind kind : TokenKind.values()) {
			JsonNode node = tokens.get(kind.code());
			if (node == null) {
				continue;
			}
			String digest = node.get("digest").asString();
			digests.put(kind, digest);
			String value = (kind == presentedKind && presentedValue != null) ? presentedValue
					: DigestPlaceholders.of(digest);
			if (kind == TokenKind.STATE) {
				builder.attribute(OAuth2ParameterNames.STATE, value);
				continue;
			}
			Instant issuedAt = readInstant(node, "iat");
			Instant expiresAt = readInstant(node, "exp");
			Map<String, Object> metadata = readMap(node.get("metadata"));
			OAuth2Token token = switch (kind) {
				case AUTHORIZATION_CODE -> new OAuth2AuthorizationCode(value, issuedAt, expiresAt);
				case ACCESS_TOKEN -> new OAuth2AccessToken(accessTokenType(node.get("type").asString()), value,
						issuedAt, expiresAt, readStrings(node.get("scopes")));
				case REFRESH_TOKEN -> new OAuth2RefreshToken(value, issuedAt, expiresAt);
				case ID_TOKEN -> new OidcIdToken(value, issuedAt, expiresAt,
						(Map<String, Object>) metadata.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME));
				case DEVICE_CODE -> new OAuth2DeviceCode(value, issuedAt, expiresAt);
				case USER_CODE -> new OAuth2UserCode(value, issuedAt, expiresAt);
				case STATE -> throw new IllegalStateException("state is not a token");
			};
			builder.token(token, (md) -> md.putAll(metadata));
			if (kind == TokenKind.REFRESH_TOKEN && node.hasNonNull("jti")) {
				jti = node.get("jti").asString();
			}
		}
		return new StoredAuthorization(builder.build(), digests, jti);
	}

	/**
	 * Copies nested maps, lists and sets into the plain collection types the type allowlist accepts, so that
	 * claims built with {@code Map.of} or {@code List.of} can be stored.
	 */
	@SuppressWarnings("unchecked")
	private static <T> T plainCollections(T value) {
		if (value instanceof Map<?, ?> map) {
			Map<Object, Object> copy = new LinkedHashMap<>();
			map.forEach((key, item) -> copy.put(key, plainCollections(item)));
			return (T) copy;
		}
		if (value instanceof List<?> list) {
			List<Object> copy = new ArrayList<>(list.size());
			list.forEach((item) -> copy.add(plainCollections(item)));
			return (T) copy;
		}
		if (value instanceof Set<?> set) {
			Set<Object> copy = new LinkedHashSet<>();
			set.forEach((item) -> copy.add(plainCollections(item)));
			return (T) copy;
		}
		return value;
	}

	private Map<String, Object> readMap(JsonNode node) {
		return this.jsonMapper.treeToValue(node, this.mapType);
	}

	private static OAuth2AccessToken.TokenType accessTokenType(String value) {
		if (OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(value)) {
			return OAuth2AccessToken.TokenType.DPOP;
		}
		return OAuth2AccessToken.TokenType.BEARER;
	}

	private static RegisteredClient clientWithId(String registeredClientId) {
		// OAuth2Authorization.withRegisteredClient only reads the id
		return RegisteredClient.withId(registeredClientId)
			.clientId(registeredClientId)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.build();
	}

	private static void writeStrings(ArrayNode array, Set<String> values) {
		values.forEach(array::add);
	}

	private static Set<String> readStrings(@Nullable JsonNode array) {
		Set<String> values = new LinkedHashSet<>();
		if (array != null) {
			array.forEach((value) -> values.add(value.asString()));
		}
		return values;
	}

	private static void putInstant(ObjectNode node, String field, @Nullable Instant instant) {
		if (instant != null) {
			node.put(field, instant.toString());
		}
	}

	private static @Nullable Instant readInstant(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && !value.isNull()) ? Instant.parse(value.asString()) : null;
	}

}
