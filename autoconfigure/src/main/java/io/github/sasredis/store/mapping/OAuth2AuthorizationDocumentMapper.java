package io.github.sasredis.store.mapping;

import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.json.JsonMapper;

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
 * <p>
 * Speed: the document is read and written in one streaming pass; Spring Security's deserializers read the
 * attributes and the metadata from the same parser. {@link #createJsonMapper} adds a module that lets Jackson cache
 * the deserializers of typed collections and maps, which it would otherwise build on every read (a mapper built
 * without it reads the same documents, more slowly). A {@link #write} of attributes that are the very objects a
 * {@link #read} on the same thread returned (SAS saves what it found with new tokens, through
 * {@code OAuth2Authorization.from}) writes the JSON they were read from instead of serializing them again: like
 * SAS, it takes an attribute object found in an authorization not to change. Reads keep the attributes they decoded
 * in a bounded cache keyed by their JSON ({@link #setAttributeCacheSize}), so that the same grant read again is not
 * decoded again.
 */
public class OAuth2AuthorizationDocumentMapper {

	/** Default number of decoded attribute sets kept, see {@link #setAttributeCacheSize}. */
	public static final int DEFAULT_ATTRIBUTE_CACHE_SIZE = 1024;

	private static final int MAX_ATTRIBUTE_CACHE_SIZE = 1 << 20;

	private static final int MAX_CLIENTS_BY_ID = 1024;

	private final JsonMapper jsonMapper;

	/** Reads a map at the parser's position inside the document (more of the document follows it). */
	private final ObjectReader mapReader;

	/**
	 * The attributes this thread read last, with their JSON: SAS saves what it found with new tokens and the same
	 * attribute objects ({@code OAuth2Authorization.from(found)}), whose JSON is then the text it was read from.
	 */
	private final ThreadLocal<@Nullable ReadAttributes> lastRead = new ThreadLocal<>();

	/** Stand-ins for the registered clients of the documents read, by id (immutable, all alike but their id). */
	private final Map<String, RegisteredClient> clientsById = new ConcurrentHashMap<>();

	/** Attributes decoded before, by the JSON they were read from; {@code null} when switched off. */
	private volatile @Nullable AttributeCache attributeCache = new AttributeCache(DEFAULT_ATTRIBUTE_CACHE_SIZE);

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
		JavaType mapType = jsonMapper.getTypeFactory()
			.constructMapType(LinkedHashMap.class, String.class, Object.class);
		this.mapReader = jsonMapper.readerFor(mapType).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	/**
	 * Creates a {@link JsonMapper} with Spring Security's Jackson modules and their polymorphic type allowlist,
	 * extended by the given customizer, and a module that lets Jackson cache the deserializers of typed collections
	 * and maps (it changes no JSON; see {@code CachedContainerDeserializers}). Use it to allow an application's own
	 * principal or attribute types, for example {@code builder -> builder.allowIfSubType(MyUser.class)}.
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
	 * Sets how many decoded attribute sets (the principal, the authorization request and the other attributes of
	 * one grant) to keep, by the JSON they were read from, so that reading the same grant again (a refresh, an
	 * introspection, the save after a find) does not decode them again: about half of a read's CPU. A read then
	 * returns the same attribute objects that other reads of that grant returned, as SAS's in-memory store does:
	 * treat them as read-only (grants whose attributes have the very same JSON, such as client credentials grants of
	 * one client, share them too). When full, a new entry evicts the oldest. The cache holds no token value or
	 * digest, and each entry costs about the JSON's size plus the objects (a few KB). 0 switches it off: every read
	 * then decodes its own objects.
	 * @param size the number of entries, 0 for none
	 */
	public void setAttributeCacheSize(int size) {
		Assert.isTrue(size >= 0 && size <= MAX_ATTRIBUTE_CACHE_SIZE,
				() -> "size must be between 0 and " + MAX_ATTRIBUTE_CACHE_SIZE);
		this.attributeCache = (size > 0) ? new AttributeCache(size) : null;
	}

	/**
	 * Returns how many decoded attribute sets are cached now.
	 * @return the number of entries, 0 when the cache is off
	 */
	public int cachedAttributeSets() {
		AttributeCache cache = this.attributeCache;
		return (cache != null) ? cache.size() : 0;
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
		Map<String, Object> attributes = new LinkedHashMap<>(authorization.getAttributes());
		attributes.remove(OAuth2ParameterNames.STATE);
		attributes.keySet().removeAll(excludedAttributes);
		StringWriter out = new StringWriter(4096);
		try (JsonGenerator generator = this.jsonMapper.createGenerator(out)) {
			generator.writeStartObject();
			generator.writeStringProperty("id", authorization.getId());
			generator.writeStringProperty("client", authorization.getRegisteredClientId());
			generator.writeStringProperty("principal", authorization.getPrincipalName());
			generator.writeStringProperty("grant", authorization.getAuthorizationGrantType().getValue());
			writeStrings(generator, "scopes", authorization.getAuthorizedScopes());
			generator.writeName("attributes");
			ReadAttributes read = this.lastRead.get();
			// one write per read: what the thread keeps, and the time an attribute object could change, stay short
			this.lastRead.remove();
			if (read != null && read.sameObjects(attributes)) {
				generator.writeRawValue(read.json());
			}
			else {
				this.jsonMapper.writeValue(generator, attributes);
			}
			generator.writeName("tokens");
			generator.writeStartObject();
			String stateDigest = digests.get(TokenKind.STATE);
			if (stateDigest != null) {
				generator.writeName(TokenKind.STATE.code());
				generator.writeStartObject();
				generator.writeStringProperty("digest", stateDigest);
				generator.writeEndObject();
			}
			for (TokenKind kind : TokenKind.values()) {
				OAuth2Authorization.Token<? extends OAuth2Token> token = kind.tokenIn(authorization);
				if (token == null) {
					continue;
				}
				String digest = digests.get(kind);
				Assert.state(digest != null, () -> "no digest given for the " + kind + " of the authorization");
				generator.writeName(kind.code());
				generator.writeStartObject();
				generator.writeStringProperty("digest", digest);
				writeInstant(generator, "iat", token.getToken().getIssuedAt());
				writeInstant(generator, "exp", token.getToken().getExpiresAt());
				generator.writeName("metadata");
				this.jsonMapper.writeValue(generator, plainCollections(token.getMetadata()));
				if (token.getToken() instanceof OAuth2AccessToken accessToken) {
					generator.writeStringProperty("type", accessToken.getTokenType().getValue());
					writeStrings(generator, "scopes", accessToken.getScopes());
				}
				if (kind == TokenKind.REFRESH_TOKEN && refreshTokenJti != null) {
					generator.writeStringProperty("jti", refreshTokenJti);
				}
				generator.writeEndObject();
			}
			generator.writeEndObject();
			generator.writeEndObject();
		}
		return out.toString();
	}

	/**
	 * Reads a document written by {@link #write}.
	 * @param json the JSON document
	 * @param presentedKind the kind of secret the caller presented, or {@code null}
	 * @param presentedValue the value the caller presented, put back in place of its placeholder
	 * @param extraAttributes attributes to add to the authorization
	 * @return the authorization with placeholder values but the presented one, its digests and jti
	 */
	public StoredAuthorization read(String json, @Nullable TokenKind presentedKind, @Nullable String presentedValue,
			Map<String, Object> extraAttributes) {
		return read(json, presentedKind, presentedValue, extraAttributes, List.of());
	}

	/**
	 * Reads a document written by {@link #write}, whose tokens may name their digest by reference: a token's
	 * {@code "digest"} of {@code "#<n>"} stands for the {@code n}th (from 0) of the given digests, which the caller
	 * keeps elsewhere (the store, in the authorization's header). Only the {@code digest} of a token is read so;
	 * nothing in attributes or metadata is ever taken for a reference.
	 * @param json the JSON document
	 * @param presentedKind the kind of secret the caller presented, or {@code null}
	 * @param presentedValue the value the caller presented, put back in place of its placeholder
	 * @param extraAttributes attributes to add to the authorization
	 * @param referencedDigests the digests references name, in order
	 * @return the authorization with placeholder values but the presented one, its digests and jti
	 * @throws IllegalStateException when a reference names none of the given digests
	 */
	@SuppressWarnings("unchecked")
	public StoredAuthorization read(String json, @Nullable TokenKind presentedKind, @Nullable String presentedValue,
			Map<String, Object> extraAttributes, List<String> referencedDigests) {
		String id = null;
		String registeredClientId = null;
		String principalName = null;
		String grantType = null;
		Set<String> scopes = new LinkedHashSet<>();
		Map<String, Object> attributes = Map.of();
		Map<TokenKind, StoredToken> tokens = new EnumMap<>(TokenKind.class);
		// one pass over the document: Spring Security's deserializers read the attributes and the metadata from
		// the same parser
		this.lastRead.remove();
		try (JsonParser parser = this.jsonMapper.createParser(json)) {
			expect(parser, parser.nextToken(), JsonToken.START_OBJECT);
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				JsonToken value = parser.nextToken();
				switch (name) {
					case "id" -> id = readString(parser);
					case "client" -> registeredClientId = readString(parser);
					case "principal" -> principalName = readString(parser);
					case "grant" -> grantType = readString(parser);
					case "scopes" -> scopes = readStrings(parser);
					case "attributes" -> attributes = readAttributes(json, parser, value);
					case "tokens" -> readTokens(parser, value, tokens);
					default -> parser.skipChildren();
				}
			}
			expect(parser, parser.currentToken(), JsonToken.END_OBJECT);
			expect(parser, parser.nextToken(), null);
		}
		Assert.state(id != null && registeredClientId != null && principalName != null && grantType != null,
				"the document lacks its id, client, principal or grant");
		OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(clientWithId(registeredClientId))
			.id(id)
			.principalName(principalName)
			.authorizationGrantType(new AuthorizationGrantType(grantType))
			.authorizedScopes(scopes);
		Map<String, Object> storedAttributes = attributes;
		builder.attributes((attrs) -> {
			attrs.putAll(storedAttributes);
			attrs.putAll(extraAttributes);
		});
		Map<TokenKind, String> digests = new EnumMap<>(TokenKind.class);
		String jti = null;
		for (Map.Entry<TokenKind, StoredToken> entry : tokens.entrySet()) {
			TokenKind kind = entry.getKey();
			StoredToken stored = entry.getValue();
			Assert.state(stored.digest != null, () -> "the " + kind + " in the document has no digest");
			String digest = dereference(stored.digest, referencedDigests, kind);
			digests.put(kind, digest);
			String value = (kind == presentedKind && presentedValue != null) ? presentedValue
					: DigestPlaceholders.of(digest);
			if (kind == TokenKind.STATE) {
				builder.attribute(OAuth2ParameterNames.STATE, value);
				continue;
			}
			Map<String, Object> metadata = stored.metadata;
			OAuth2Token token = switch (kind) {
				case AUTHORIZATION_CODE -> new OAuth2AuthorizationCode(value, stored.issuedAt, stored.expiresAt);
				case ACCESS_TOKEN -> new OAuth2AccessToken(accessTokenType(stored.type), value, stored.issuedAt,
						stored.expiresAt, stored.scopes);
				case REFRESH_TOKEN -> new OAuth2RefreshToken(value, stored.issuedAt, stored.expiresAt);
				case ID_TOKEN -> new OidcIdToken(value, stored.issuedAt, stored.expiresAt,
						(Map<String, Object>) metadata.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME));
				case DEVICE_CODE -> new OAuth2DeviceCode(value, stored.issuedAt, stored.expiresAt);
				case USER_CODE -> new OAuth2UserCode(value, stored.issuedAt, stored.expiresAt);
				case STATE -> throw new IllegalStateException("state is not a token");
			};
			builder.token(token, (md) -> md.putAll(metadata));
			if (kind == TokenKind.REFRESH_TOKEN) {
				jti = stored.jti;
			}
		}
		return new StoredAuthorization(builder.build(), digests, jti);
	}

	/**
	 * Reads the attributes object at the parser's position: from the cache when the same JSON was decoded before,
	 * else through Spring Security's deserializers. Remembers them with their JSON for the next {@link #write}.
	 */
	private Map<String, Object> readAttributes(String json, JsonParser parser, JsonToken value) {
		int start = (int) parser.currentTokenLocation().getCharOffset();
		AttributeCache cache = this.attributeCache;
		if (value != JsonToken.START_OBJECT || start < 0) {
			this.lastRead.remove();
			return readMap(parser);
		}
		if (cache == null) {
			Map<String, Object> attributes = readMap(parser);
			int end = (int) parser.currentLocation().getCharOffset();
			this.lastRead.set((end > start) ? new ReadAttributes(json.substring(start, end), attributes) : null);
			return attributes;
		}
		parser.skipChildren();
		String text = json.substring(start, (int) parser.currentLocation().getCharOffset());
		ReadAttributes read = cache.get(text);
		if (read == null) {
			Map<String, Object> decoded = this.mapReader.readValue(text);
			read = new ReadAttributes(text, (decoded != null) ? Collections.unmodifiableMap(decoded) : Map.of());
			cache.put(read);
		}
		this.lastRead.set(read);
		return read.values();
	}

	/**
	 * A digest is base64url and never starts with '#': a token's digest that does is a reference ({@link #read(String,
	 * TokenKind, String, Map, List)}).
	 */
	private static String dereference(String digest, List<String> referencedDigests, TokenKind kind) {
		if (digest.isEmpty() || digest.charAt(0) != '#') {
			return digest;
		}
		int position = -1;
		if (digest.length() >= 2 && digest.length() <= 4) {
			position = 0;
			for (int i = 1; i < digest.length() && position >= 0; i++) {
				char c = digest.charAt(i);
				position = (c >= '0' && c <= '9') ? position * 10 + (c - '0') : -1;
			}
		}
		Assert.state(position >= 0 && position < referencedDigests.size(),
				() -> "the " + kind + " in the document refers to a digest its authorization does not hold");
		return referencedDigests.get(position);
	}

	private void readTokens(JsonParser parser, JsonToken start, Map<TokenKind, StoredToken> tokens) {
		expect(parser, start, JsonToken.START_OBJECT);
		for (String code = parser.nextName(); code != null; code = parser.nextName()) {
			JsonToken value = parser.nextToken();
			TokenKind kind = TokenKind.ofCode(code);
			if (kind == null) {
				parser.skipChildren();
				continue;
			}
			expect(parser, value, JsonToken.START_OBJECT);
			StoredToken token = new StoredToken();
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				parser.nextToken();
				switch (name) {
					case "digest" -> token.digest = readString(parser);
					case "iat" -> token.issuedAt = readInstant(parser);
					case "exp" -> token.expiresAt = readInstant(parser);
					case "metadata" -> token.metadata = readMap(parser);
					case "type" -> token.type = readString(parser);
					case "scopes" -> token.scopes = readStrings(parser);
					case "jti" -> token.jti = readString(parser);
					default -> parser.skipChildren();
				}
			}
			tokens.put(kind, token);
		}
	}

	/**
	 * Attributes as one read found them, and the JSON they were read from.
	 * @param json the JSON object of the attributes
	 * @param values the attributes read from it
	 */
	private record ReadAttributes(String json, Map<String, Object> values) {

		/**
		 * @param attributes attributes about to be written
		 * @return whether they are these attributes: the same names holding the very same objects
		 */
		boolean sameObjects(Map<String, Object> attributes) {
			if (attributes.size() != this.values.size()) {
				return false;
			}
			for (Map.Entry<String, Object> entry : attributes.entrySet()) {
				if (entry.getValue() == null || this.values.get(entry.getKey()) != entry.getValue()) {
					return false;
				}
			}
			return true;
		}

	}

	/**
	 * Decoded attributes by their JSON, at most {@code capacity} of them, evicted first in, first out: a ring of
	 * the keys in the order they were added, each new key replacing (and evicting) the oldest. No order of use is
	 * kept, so that a hit costs one lookup and no write. Thread-safe; an entry is immutable.
	 */
	private static final class AttributeCache {

		private final ConcurrentHashMap<String, ReadAttributes> entries;

		private final AtomicReferenceArray<@Nullable String> order;

		private final AtomicLong added = new AtomicLong();

		AttributeCache(int capacity) {
			this.entries = new ConcurrentHashMap<>(Math.min(capacity, 1024) * 2);
			this.order = new AtomicReferenceArray<>(capacity);
		}

		@Nullable ReadAttributes get(String json) {
			return this.entries.get(json);
		}

		void put(ReadAttributes entry) {
			if (this.entries.putIfAbsent(entry.json(), entry) != null) {
				return;
			}
			// every key in the map holds exactly one place in the ring: the one its insert took
			int place = (int) (this.added.getAndIncrement() % this.order.length());
			String evicted = this.order.getAndSet(place, entry.json());
			if (evicted != null) {
				this.entries.remove(evicted);
			}
		}

		int size() {
			return this.entries.size();
		}

	}

	/** A token as the document holds it. */
	private static final class StoredToken {

		@Nullable String digest;

		@Nullable Instant issuedAt;

		@Nullable Instant expiresAt;

		Map<String, Object> metadata = Map.of();

		@Nullable String type;

		Set<String> scopes = new LinkedHashSet<>();

		@Nullable String jti;

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

	private Map<String, Object> readMap(JsonParser parser) {
		if (parser.currentToken() == JsonToken.VALUE_NULL) {
			return Map.of();
		}
		Map<String, Object> map = this.mapReader.readValue(parser);
		return (map != null) ? map : Map.of();
	}

	private static void expect(JsonParser parser, @Nullable JsonToken actual, @Nullable JsonToken expected) {
		if (actual != expected) {
			throw new IllegalStateException("the document holds " + actual + " where "
					+ ((expected != null) ? expected : "its end") + " belongs, at "
					+ parser.currentLocation().getCharOffset());
		}
	}

	private static OAuth2AccessToken.TokenType accessTokenType(@Nullable String value) {
		if (OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(value)) {
			return OAuth2AccessToken.TokenType.DPOP;
		}
		return OAuth2AccessToken.TokenType.BEARER;
	}

	private RegisteredClient clientWithId(String registeredClientId) {
		// OAuth2Authorization.withRegisteredClient only reads the id; building one costs about a tenth of a read
		RegisteredClient client = this.clientsById.get(registeredClientId);
		if (client == null) {
			client = RegisteredClient.withId(registeredClientId)
				.clientId(registeredClientId)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.build();
			if (this.clientsById.size() >= MAX_CLIENTS_BY_ID) {
				this.clientsById.clear();
			}
			this.clientsById.put(registeredClientId, client);
		}
		return client;
	}

	private static void writeStrings(JsonGenerator generator, String name, Set<String> values) {
		generator.writeName(name);
		generator.writeStartArray();
		for (String value : values) {
			generator.writeString(value);
		}
		generator.writeEndArray();
	}

	private static Set<String> readStrings(JsonParser parser) {
		Set<String> values = new LinkedHashSet<>();
		if (parser.currentToken() == JsonToken.START_ARRAY) {
			for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
				expect(parser, token, JsonToken.VALUE_STRING);
				values.add(parser.getString());
			}
		}
		else {
			parser.skipChildren();
		}
		return values;
	}

	private static void writeInstant(JsonGenerator generator, String name, @Nullable Instant instant) {
		if (instant != null) {
			generator.writeStringProperty(name, IsoInstants.format(instant));
		}
	}

	private static @Nullable Instant readInstant(JsonParser parser) {
		String text = readString(parser);
		return (text != null) ? IsoInstants.parse(text) : null;
	}

	/** A string field's value: a string or {@code null}, never an object or array read as if it were one. */
	private static @Nullable String readString(JsonParser parser) {
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		expect(parser, token, JsonToken.VALUE_STRING);
		return parser.getString();
	}

}
