/**
 * Spring Boot auto-configuration of the Redis authorization store.
 */
@NullMarked
package io.github.sasredis.autoconfigure;

import org.jspecify.annotations.NullMarked;
