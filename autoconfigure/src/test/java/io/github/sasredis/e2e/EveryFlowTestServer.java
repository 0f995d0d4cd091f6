package io.github.sasredis.e2e;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.sasredis.store.RefreshTokenRevokedEvent;
import io.github.sasredis.store.StoreOperationListener;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * The authorization server of the "every flow" end-to-end tests: Boot's auto-configuration, the starter, and the two
 * security filter chains Boot would define, plus the device authorization and verification endpoints. Boot 4.0's
 * default chain enables OIDC (UserInfo at {@code /userinfo}, logout at {@code /connect/logout}) but not the device
 * endpoints, which Spring Security 7.0 only adds on request; defining these chains makes Boot's back off.
 * <p>
 * Two users: {@code user} and {@code alexander-the-great} (longer than the 8 characters a log line may show), both
 * with the password {@code password}. Also collects every {@link RefreshTokenRevokedEvent} and can hold concurrent
 * requests right after their {@code findByToken} ({@link RaceGate}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class EveryFlowTestServer {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http) throws Exception {
		http.oauth2AuthorizationServer((authorizationServer) -> {
			http.securityMatcher(authorizationServer.getEndpointsMatcher());
			authorizationServer.oidc(withDefaults())
				.deviceAuthorizationEndpoint(withDefaults())
				.deviceVerificationEndpoint(withDefaults());
		});
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated());
		http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(withDefaults()));
		MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
		html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		http.exceptionHandling((exceptions) -> exceptions
			.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), html));
		return http.build();
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 1)
	SecurityFilterChain defaultSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated()).formLogin(withDefaults());
		return http.build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername(EveryFlowTestSupport.USER).password("{noop}password").roles("USER").build(),
				User.withUsername(EveryFlowTestSupport.LONG_USER).password("{noop}password").roles("USER").build());
	}

	/**
	 * Keeps the {@code {noop}} secrets as they are. With the default encoder, Spring Authorization Server upgrades a
	 * client secret to bcrypt on its first use, after which every client authentication costs a bcrypt check (about
	 * 100 ms on a busy test machine), which dominated the run time of these tests.
	 * @return the encoder
	 */
	@Bean
	@SuppressWarnings("deprecation")
	PasswordEncoder passwordEncoder() {
		return new DelegatingPasswordEncoder("noop",
				Map.of("noop", NoOpPasswordEncoder.getInstance(), "bcrypt", new BCryptPasswordEncoder()));
	}

	@Bean
	RevokedEvents revokedEvents() {
		return new RevokedEvents();
	}

	@Bean
	RaceGate raceGate() {
		return new RaceGate();
	}

	/**
	 * Collects the store's {@link RefreshTokenRevokedEvent}s.
	 */
	static class RevokedEvents implements ApplicationListener<RefreshTokenRevokedEvent> {

		private final List<RefreshTokenRevokedEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(RefreshTokenRevokedEvent event) {
			this.events.add(event);
		}

		List<RefreshTokenRevokedEvent> all() {
			return List.copyOf(this.events);
		}

		void clear() {
			this.events.clear();
		}

	}

	/**
	 * The store's operation listener (it replaces the Micrometer one in this context): when armed, holds every
	 * successful {@code findByToken} until as many have been made as the gate was armed for, so that all those
	 * requests have read the same version of the authorization before any of them saves.
	 */
	static class RaceGate implements StoreOperationListener {

		private volatile @Nullable CyclicBarrier barrier;

		void arm(int parties) {
			this.barrier = new CyclicBarrier(parties);
		}

		void disarm() {
			CyclicBarrier armed = this.barrier;
			this.barrier = null;
			if (armed != null) {
				armed.reset();
			}
		}

		@Override
		public void onOperation(String operation, long nanos, @Nullable Throwable error) {
			CyclicBarrier armed = this.barrier;
			if (armed == null || error != null || !"findByToken".equals(operation)) {
				return;
			}
			try {
				armed.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (BrokenBarrierException | TimeoutException ex) {
				// released by disarm() or a timeout: let the request go on
			}
		}

	}

}
