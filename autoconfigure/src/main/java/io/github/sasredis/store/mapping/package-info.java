/**
 * Mapping between authorizations, refresh-token records and the JSON the store keeps in Redis.
 */
@NullMarked
package io.github.sasredis.store.mapping;

import org.jspecify.annotations.NullMarked;
