/**
 * The Redis store of Spring Authorization Server's authorizations and its refresh-token registry.
 */
@NullMarked
package io.github.sasredis.store;

import org.jspecify.annotations.NullMarked;
