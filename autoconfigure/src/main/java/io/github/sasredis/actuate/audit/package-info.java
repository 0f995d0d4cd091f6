/**
 * Audit events for refresh-token revocations, recorded in Boot's {@code AuditEventRepository}.
 */
@NullMarked
package io.github.sasredis.actuate.audit;

import org.jspecify.annotations.NullMarked;
