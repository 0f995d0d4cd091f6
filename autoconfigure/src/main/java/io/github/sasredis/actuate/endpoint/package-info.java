/**
 * Actuator endpoint that lets operators list and revoke one user's refresh tokens.
 */
@NullMarked
package io.github.sasredis.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
