/**
 * Micrometer meters of the Redis authorization store: operation timers and refresh-token counters.
 */
@NullMarked
package io.github.sasredis.actuate.metrics;

import org.jspecify.annotations.NullMarked;
