package io.github.sasredis.autoconfigure;

import io.github.sasredis.actuate.audit.RefreshTokenRevocationAuditListener;
import io.github.sasredis.store.RefreshTokenRevokedEvent;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that audits refresh-token revocations ({@link RefreshTokenRevokedEvent}) when the application
 * keeps audit events: under the same conditions as Boot's own audit listeners, an {@link AuditEventRepository}
 * bean and {@code management.auditevents.enabled} not {@code false}.
 */
@AutoConfiguration(after = AuditAutoConfiguration.class)
@ConditionalOnClass(AuditEventRepository.class)
@ConditionalOnBean(AuditEventRepository.class)
@ConditionalOnBooleanProperty(name = "management.auditevents.enabled", matchIfMissing = true)
public final class SasRedisAuditAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RefreshTokenRevocationAuditListener refreshTokenRevocationAuditListener(ApplicationEventPublisher publisher) {
		return new RefreshTokenRevocationAuditListener(publisher);
	}

}
