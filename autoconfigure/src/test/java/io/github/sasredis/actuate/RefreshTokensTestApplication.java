package io.github.sasredis.actuate;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A real authorization server on the Redis store, for the endpoint's HTTP tests: Boot's auto-configuration, the
 * registered client of the test properties, an audit event repository, and security that leaves the actuator open
 * (securing it is the application's job) while still accepting HTTP Basic, so that a test can act as operator
 * {@value #OPERATOR}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class RefreshTokensTestApplication {

	/** Operator user name (password {@value #OPERATOR_PASSWORD}), for the audit principal. */
	public static final String OPERATOR = "ops";

	/** Operator password. */
	public static final String OPERATOR_PASSWORD = "ops-password";

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http) {
		http.oauth2AuthorizationServer((authorizationServer) -> http
			.securityMatcher(authorizationServer.getEndpointsMatcher()))
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http) {
		http.securityMatcher("/actuator/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().permitAll())
			.httpBasic(Customizer.withDefaults())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	UserDetailsService userDetailsService() {
		return new InMemoryUserDetailsManager(
				User.withUsername(OPERATOR).password("{noop}" + OPERATOR_PASSWORD).roles("OPS").build());
	}

	@Bean
	AuditEventRepository auditEventRepository() {
		return new InMemoryAuditEventRepository();
	}

}
