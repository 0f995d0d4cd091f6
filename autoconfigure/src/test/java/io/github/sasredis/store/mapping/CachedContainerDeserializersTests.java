package io.github.sasredis.store.mapping;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sasredis.store.TestAuthorizations;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.jsontype.TypeDeserializer;
import tools.jackson.databind.module.SimpleDeserializers;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.CollectionType;
import tools.jackson.databind.type.MapType;

import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deserializers of typed collections and maps are built once per mapper, not on every read, and the JSON is that
 * of Spring Security's modules alone. Counts, not times: the count of container deserializers Jackson builds.
 */
class CachedContainerDeserializersTests {

	private final OAuth2Authorization grant = TestAuthorizations.authorizationCodeGrant("alice");

	private final Map<TokenKind, String> digests = digests(this.grant);

	@Test
	void readWhenDocumentOfTheSameShapeReadBeforeThenNoContainerDeserializerBuiltAgain() {
		AtomicInteger built = new AtomicInteger();
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper(
				counting(OAuth2AuthorizationDocumentMapper.createJsonMapper(getClass().getClassLoader(), (types) -> {
				}), built));
		// every read decodes its attributes: what is counted is Jackson's own cache
		mapper.setAttributeCacheSize(0);
		String document = mapper.write(this.grant, this.digests, "jti-1", Set.of());
		mapper.read(document, null, null, Map.of());
		assertThat(built).hasPositiveValue();
		built.set(0);
		String another = mapper.write(TestAuthorizations.authorizationCodeGrant("bob"),
				digests(TestAuthorizations.authorizationCodeGrant("bob")), "jti-2", Set.of());
		for (int i = 0; i < 3; i++) {
			mapper.read(document, TokenKind.REFRESH_TOKEN, "presented", Map.of());
			mapper.read(another, null, null, Map.of());
		}
		assertThat(built).hasValue(0);
	}

	@Test
	void readWhenSpringSecurityModulesAloneThenContainerDeserializersBuiltOnEveryRead() {
		AtomicInteger built = new AtomicInteger();
		OAuth2AuthorizationDocumentMapper mapper = new OAuth2AuthorizationDocumentMapper(
				counting(springSecurityModulesAlone(), built));
		mapper.setAttributeCacheSize(0);
		String document = mapper.write(this.grant, this.digests, "jti-1", Set.of());
		mapper.read(document, null, null, Map.of());
		built.set(0);
		mapper.read(document, null, null, Map.of());
		// what the module removes: about a dozen per read of this grant
		assertThat(built).hasValueGreaterThan(5);
	}

	@Test
	void writeAndReadWhenCachingModuleThenSameJsonAndAuthorizationAsSpringSecurityModulesAlone() {
		OAuth2AuthorizationDocumentMapper ours = new OAuth2AuthorizationDocumentMapper();
		OAuth2AuthorizationDocumentMapper plain = new OAuth2AuthorizationDocumentMapper(springSecurityModulesAlone());
		String document = ours.write(this.grant, this.digests, "jti-1", Set.of());
		assertThat(document).isEqualTo(plain.write(this.grant, this.digests, "jti-1", Set.of()));
		for (int i = 0; i < 2; i++) {
			StoredAuthorization read = ours.read(document, TokenKind.REFRESH_TOKEN, "presented", Map.of());
			assertThat(read).usingRecursiveComparison()
				.isEqualTo(plain.read(document, TokenKind.REFRESH_TOKEN, "presented", Map.of()));
			assertThat(read.authorization().getAttributes()).isEqualTo(this.grant.getAttributes());
		}
	}

	@Test
	void readWhenDeserializerReadsUntypedValuesThenAsWithSpringSecurityModulesAlone() {
		// an application's own deserializer (or a principal type with its own typing) that reads plain JSON values:
		// the untyped deserializer must still find Jackson's standard containers, which need no type ids
		String json = "{\"value\":[{\"a\":1},[2,{\"b\":[3]}]]}";
		Object plain = withUntypedHolder(springSecurityModulesAlone()).readValue(json, UntypedHolder.class).value;
		Object ours = withUntypedHolder(OAuth2AuthorizationDocumentMapper.createJsonMapper(getClass().getClassLoader(),
				(types) -> {
				})).readValue(json, UntypedHolder.class).value;
		assertThat(ours).isEqualTo(plain).isEqualTo(List.of(Map.of("a", 1), List.of(2, Map.of("b", List.of(3)))));
	}

	private static JsonMapper withUntypedHolder(JsonMapper mapper) {
		SimpleModule module = new SimpleModule("untyped-holder");
		module.addDeserializer(UntypedHolder.class, new ValueDeserializer<>() {

			@Override
			public UntypedHolder deserialize(JsonParser parser, DeserializationContext ctxt) {
				UntypedHolder holder = new UntypedHolder();
				for (String name = parser.nextName(); name != null; name = parser.nextName()) {
					parser.nextToken();
					holder.value = ctxt.findContextualValueDeserializer(ctxt.constructType(Object.class), null)
						.deserialize(parser, ctxt);
				}
				return holder;
			}

		});
		return mapper.rebuild().addModule(module).build();
	}

	/** Final, so that polymorphic typing asks no type id of it. */
	static final class UntypedHolder {

		Object value;

	}

	private static JsonMapper springSecurityModulesAlone() {
		return JsonMapper.builder()
			.addModules(SecurityJacksonModules.getModules(CachedContainerDeserializersTests.class.getClassLoader(),
					BasicPolymorphicTypeValidator.builder()))
			.build();
	}

	/**
	 * Adds a module whose deserializer lookup Jackson consults first whenever it builds a collection or map
	 * deserializer, and counts those builds.
	 */
	private static JsonMapper counting(JsonMapper mapper, AtomicInteger built) {
		SimpleModule module = new SimpleModule("counting");
		module.setDeserializers(new SimpleDeserializers() {

			@Override
			public ValueDeserializer<?> findCollectionDeserializer(CollectionType type, DeserializationConfig config,
					BeanDescription.Supplier beanDescRef, TypeDeserializer elementTypeDeserializer,
					ValueDeserializer<?> elementDeserializer) {
				built.incrementAndGet();
				return null;
			}

			@Override
			public ValueDeserializer<?> findMapDeserializer(MapType type, DeserializationConfig config,
					BeanDescription.Supplier beanDescRef, KeyDeserializer keyDeserializer,
					TypeDeserializer elementTypeDeserializer, ValueDeserializer<?> elementDeserializer) {
				built.incrementAndGet();
				return null;
			}

		});
		return mapper.rebuild().addModule(module).build();
	}

	private static Map<TokenKind, String> digests(OAuth2Authorization authorization) {
		Map<TokenKind, String> digests = new EnumMap<>(TokenKind.class);
		for (TokenKind kind : TokenKind.values()) {
			if (kind != TokenKind.STATE && kind.tokenIn(authorization) != null) {
				digests.put(kind, "digest-of-" + kind.code());
			}
		}
		return digests;
	}

}
