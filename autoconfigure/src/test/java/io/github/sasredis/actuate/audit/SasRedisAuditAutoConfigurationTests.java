package io.github.sasredis.actuate.audit;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.github.sasredis.autoconfigure.SasRedisAuditAutoConfiguration;
import io.github.sasredis.store.RefreshTokenRecord;
import io.github.sasredis.store.RefreshTokenRevokedEvent;
import io.github.sasredis.store.RevocationCause;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * When revocations are audited, and what the audit event says: who acted (the authenticated caller, else
 * {@code anonymous}), whose tokens, which jtis, why.
 */
class SasRedisAuditAutoConfigurationTests {

	private static final RefreshTokenRecord RECORD = new RefreshTokenRecord("alice", "AAAAAAAAAAAAAAAAAAAAAA",
			"web-client", "authorization-1", Instant.now(), Instant.now().plusSeconds(60), Set.of("read"));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AuditAutoConfiguration.class, SasRedisAuditAutoConfiguration.class));

	private final ApplicationContextRunner withRepository = this.contextRunner
		.withBean(AuditEventRepository.class, InMemoryAuditEventRepository::new);

	@AfterEach
	void clearSecurityContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void runWhenAuditEventRepositoryIsPresentShouldAuditRevocationAsAuthenticatedCaller() {
		this.withRepository.run((context) -> {
			assertThat(context).hasSingleBean(RefreshTokenRevocationAuditListener.class);
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("ops", null,
						AuthorityUtils.createAuthorityList("ROLE_OPS")));

			context.publishEvent(new RefreshTokenRevokedEvent(this, "alice", List.of(RECORD), RevocationCause.OPS));

			List<AuditEvent> events = context.getBean(AuditEventRepository.class).find(null, null, null);
			assertThat(events).hasSize(1);
			AuditEvent event = events.get(0);
			assertThat(event.getType()).isEqualTo("REFRESH_TOKENS_REVOKED");
			assertThat(event.getPrincipal()).isEqualTo("ops");
			assertThat(event.getData()).containsOnlyKeys("user_id", "jtis", "client_ids", "cause")
				.containsEntry("user_id", "alice")
				.containsEntry("jtis", List.of("AAAAAAAAAAAAAAAAAAAAAA"))
				.containsEntry("client_ids", List.of("web-client"))
				.containsEntry("cause", "ops");
		});
	}

	@Test
	void runWhenNobodyIsAuthenticatedShouldAuditAsAnonymous() {
		this.withRepository.run((context) -> {
			context.publishEvent(
					new RefreshTokenRevokedEvent(this, "alice", List.of(RECORD), RevocationCause.RFC7009));
			SecurityContextHolder.getContext()
				.setAuthentication(new AnonymousAuthenticationToken("key", "anonymousUser",
						AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
			context.publishEvent(new RefreshTokenRevokedEvent(this, "alice", List.of(RECORD), RevocationCause.REUSE));

			assertThat(context.getBean(AuditEventRepository.class).find(null, null, "REFRESH_TOKENS_REVOKED"))
				.extracting(AuditEvent::getPrincipal, (event) -> event.getData().get("cause"))
				.containsExactly(tuple("anonymous", "rfc7009"),
						tuple("anonymous", "reuse"));
		});
	}

	@Test
	void runWhenReuseShouldAuditReusedJtiAndClient() {
		this.withRepository.run((context) -> {
			RefreshTokenRevokedEvent.Reuse reuse = new RefreshTokenRevokedEvent.Reuse("BBBBBBBBBBBBBBBBBBBBBB",
					"web-client", "authorization-1");
			context.publishEvent(
					new RefreshTokenRevokedEvent(this, "alice", List.of(RECORD), RevocationCause.REUSE, reuse));
			context.publishEvent(new RefreshTokenRevokedEvent(this, "alice", List.of(), RevocationCause.REUSE, reuse));

			assertThat(context.getBean(AuditEventRepository.class).find(null, null, "REFRESH_TOKENS_REVOKED"))
				.extracting(AuditEvent::getData)
				.satisfiesExactly(
						(data) -> assertThat(data).containsEntry("jtis", List.of("AAAAAAAAAAAAAAAAAAAAAA"))
							.containsEntry("client_ids", List.of("web-client"))
							.containsEntry("reused_jti", "BBBBBBBBBBBBBBBBBBBBBB"),
						(data) -> assertThat(data).containsEntry("jtis", List.of())
							.containsEntry("client_ids", List.of("web-client"))
							.containsEntry("reused_jti", "BBBBBBBBBBBBBBBBBBBBBB"));
		});
	}

	@Test
	void runWhenNoAuditEventRepositoryShouldNotRegisterListener() {
		this.contextRunner
			.run((context) -> assertThat(context).doesNotHaveBean(RefreshTokenRevocationAuditListener.class));
	}

	@Test
	void runWhenAuditEventsAreDisabledShouldNotRegisterListener() {
		this.withRepository.withPropertyValues("management.auditevents.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RefreshTokenRevocationAuditListener.class));
	}

	@Test
	void runWhenActuatorIsNotOnClassPathShouldNotRegisterListener() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SasRedisAuditAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RefreshTokenRevocationAuditListener.class);
			});
	}

}
