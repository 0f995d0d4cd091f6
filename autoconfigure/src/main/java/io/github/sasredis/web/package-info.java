/**
 * Web support of the Redis authorization store: how a servlet application answers when Redis is unreachable.
 */
@NullMarked
package io.github.sasredis.web;

import org.jspecify.annotations.NullMarked;
