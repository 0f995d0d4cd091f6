package io.github.sasredis.store.mapping;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JacksonStdImpl;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.jdk.CollectionDeserializer;
import tools.jackson.databind.deser.jdk.JavaUtilCollectionsDeserializers;
import tools.jackson.databind.deser.jdk.MapDeserializer;
import tools.jackson.databind.deser.std.StdConvertingDeserializer;
import tools.jackson.databind.jsontype.TypeDeserializer;
import tools.jackson.databind.module.SimpleDeserializers;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.CollectionType;
import tools.jackson.databind.type.MapType;
import tools.jackson.databind.util.Converter;

/**
 * Lets Jackson keep the deserializers of collections and maps whose elements carry type ids, which it otherwise
 * builds anew on every read.
 * <p>
 * With Spring Security's polymorphic typing, every collection or map of non-final elements gets a type deserializer
 * for its elements, and Jackson's {@code DeserializerCache} does not cache a container deserializer that has one.
 * Spring Security's principal deserializers and SAS's authorization-request deserializer read their collections
 * through {@code DeserializationContext.readTreeAsValue}, which finds the deserializer through that cache each time;
 * for the {@code java.util.Collections} wrappers they write ({@code Collections$UnmodifiableRandomAccessList},
 * {@code Collections$UnmodifiableMap}, ...) Jackson also introspects the wrapper class on every attempt before it
 * picks its converting deserializer. Reading one authorization document built about a dozen deserializers this way,
 * half the time of a read, under a lock every reading thread shares.
 * <p>
 * This module changes only what is cached, not what is read or written: the JSON stays that of Spring Security's
 * modules. The element type deserializer Jackson would attach is a function of the element type and the mapper's
 * configuration alone; a container whose element deserializer is set by an annotation is still not cached (Jackson
 * also skips the cache for such types by itself), and every use still contextualizes the cached instance.
 */
final class CachedContainerDeserializers extends SimpleModule {

	private static final long serialVersionUID = 1L;

	CachedContainerDeserializers() {
		super(CachedContainerDeserializers.class.getName());
		setDeserializers(new JavaUtilWrappers());
		setDeserializerModifier(new CacheableContainers());
	}

	/**
	 * Picks the converting deserializer of the {@code java.util} wrapper types without introspecting the wrapper
	 * class first, and makes it cacheable.
	 */
	private static final class JavaUtilWrappers extends SimpleDeserializers {

		private static final long serialVersionUID = 1L;

		@Override
		public @Nullable ValueDeserializer<?> findCollectionDeserializer(CollectionType type,
				DeserializationConfig config, BeanDescription.Supplier beanDescRef,
				@Nullable TypeDeserializer elementTypeDeserializer, @Nullable ValueDeserializer<?> elementDeserializer) {
			if (elementDeserializer != null || !isJavaUtilWrapper(type)) {
				return null;
			}
			return cacheable(JavaUtilCollectionsDeserializers.findForCollection(null, type));
		}

		@Override
		public @Nullable ValueDeserializer<?> findMapDeserializer(MapType type, DeserializationConfig config,
				BeanDescription.Supplier beanDescRef, @Nullable KeyDeserializer keyDeserializer,
				@Nullable TypeDeserializer elementTypeDeserializer, @Nullable ValueDeserializer<?> elementDeserializer) {
			if (keyDeserializer != null || elementDeserializer != null || !isJavaUtilWrapper(type)) {
				return null;
			}
			return cacheable(JavaUtilCollectionsDeserializers.findForMap(null, type));
		}

		private static boolean isJavaUtilWrapper(JavaType type) {
			String name = type.getRawClass().getName();
			return name.startsWith("java.util.Collections$") || name.startsWith("java.util.Arrays$")
					|| name.startsWith("java.util.ImmutableCollections$");
		}

		@SuppressWarnings("unchecked")
		private static @Nullable ValueDeserializer<?> cacheable(@Nullable ValueDeserializer<?> found) {
			// a wrapper type Jackson has no converter for falls through to its own handling
			return (found != null && found.getClass() == StdConvertingDeserializer.class)
					? new CacheableConverting((StdConvertingDeserializer<Object>) found) : null;
		}

	}

	/**
	 * Replaces Jackson's own collection and map deserializers by cacheable copies.
	 */
	private static final class CacheableContainers extends ValueDeserializerModifier {

		private static final long serialVersionUID = 1L;

		@Override
		public ValueDeserializer<?> modifyCollectionDeserializer(DeserializationConfig config, CollectionType type,
				BeanDescription.Supplier beanDescRef, ValueDeserializer<?> deserializer) {
			return (deserializer.getClass() == CollectionDeserializer.class)
					? new CacheableCollection((CollectionDeserializer) deserializer) : deserializer;
		}

		@Override
		public ValueDeserializer<?> modifyMapDeserializer(DeserializationConfig config, MapType type,
				BeanDescription.Supplier beanDescRef, ValueDeserializer<?> deserializer) {
			return (deserializer.getClass() == MapDeserializer.class)
					? new CacheableMap((MapDeserializer) deserializer) : deserializer;
		}

	}

	/**
	 * A collection deserializer as Jackson builds it, cacheable although it has an element type deserializer. Its
	 * contextual instances are Jackson's own.
	 */
	@JacksonStdImpl // as Jackson's own: its untyped deserializer takes only a standard one for its fast path
	private static final class CacheableCollection extends CollectionDeserializer {

		private static final long serialVersionUID = 1L;

		CacheableCollection(CollectionDeserializer built) {
			super(built);
		}

		@Override
		public boolean isCachable() {
			return this._valueDeserializer == null && this._delegateDeserializer == null;
		}

	}

	/**
	 * A map deserializer as Jackson builds it, cacheable although it has an element type deserializer.
	 */
	@JacksonStdImpl
	private static final class CacheableMap extends MapDeserializer {

		private static final long serialVersionUID = 1L;

		CacheableMap(MapDeserializer built) {
			super(built);
		}

		@Override
		public boolean isCachable() {
			return this._valueDeserializer == null && this._keyDeserializer == null
					&& this._ignorableProperties == null && this._includableProperties == null;
		}

	}

	/**
	 * Jackson's converting deserializer of a {@code java.util} wrapper, cacheable before it is contextualized (it
	 * finds its delegate then).
	 */
	private static final class CacheableConverting extends StdConvertingDeserializer<Object> {

		private static final long serialVersionUID = 1L;

		CacheableConverting(StdConvertingDeserializer<Object> built) {
			super(built);
		}

		@Override
		protected StdConvertingDeserializer<Object> withDelegate(Converter<Object, Object> converter,
				JavaType delegateType, ValueDeserializer<?> delegateDeserializer) {
			return new StdConvertingDeserializer<>(converter, delegateType, delegateDeserializer);
		}

		@Override
		public boolean isCachable() {
			return true;
		}

	}

}
