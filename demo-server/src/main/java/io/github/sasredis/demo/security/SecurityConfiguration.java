package io.github.sasredis.demo.security;

import java.util.List;
import java.util.Set;

import io.github.sasredis.demo.DemoProperties;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The demo's three security filter chains, tried in order: the authorization server's endpoints (OAuth 2.1 and OIDC),
 * the actuator (HTTP Basic, stateless, {@code refreshtokens} for role OPS only, answers 401/403 instead of a login
 * page), and everything else (form login). Declaring them makes Boot's own default chains back off; the registered
 * client, the issuer and the token settings still come from Boot's
 * {@code spring.security.oauth2.authorizationserver.*} properties.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	private static final String OPS = "OPS";

	/**
	 * The authorization server's endpoints, with OIDC; a browser that is not logged in is sent to the login page.
	 * @param http the builder
	 * @return the chain
	 * @throws Exception if it cannot be built
	 */
	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http) throws Exception {
		http.oauth2AuthorizationServer((authorizationServer) -> {
			http.securityMatcher(authorizationServer.getEndpointsMatcher());
			authorizationServer.oidc(Customizer.withDefaults());
		})
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			.exceptionHandling((exceptions) -> exceptions
				.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), htmlRequests()));
		return http.build();
	}

	/**
	 * The actuator: {@code health} and {@code info} for anyone, everything else (the {@code refreshtokens} endpoint
	 * first of all) for role OPS over HTTP Basic. No session, no CSRF token, no redirect: 401 or 403 with a JSON body.
	 * @param http the builder
	 * @param basePath the base path of the actuator endpoints
	 * @return the chain
	 * @throws Exception if it cannot be built
	 */
	@Bean
	@Order(2)
	SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http,
			@Value("${management.endpoints.web.base-path:/actuator}") String basePath) throws Exception {
		JsonSecurityErrorHandler errors = new JsonSecurityErrorHandler("actuator");
		String path = StringUtils.trimTrailingCharacter(basePath, '/');
		if (StringUtils.hasLength(path)) {
			http.securityMatcher(path + "/**");
		}
		else {
			http.securityMatcher(EndpointRequest.toAnyEndpoint());
		}
		http.authorizeHttpRequests((authorize) -> authorize
			.requestMatchers(EndpointRequest.to("health", "info"))
			.permitAll()
			.requestMatchers(EndpointRequest.to("refreshtokens"))
			.hasRole(OPS)
			.anyRequest()
			.hasRole(OPS))
			.httpBasic((basic) -> basic.authenticationEntryPoint(errors))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	/**
	 * Everything else, including the login page the authorization endpoint redirects to. Error dispatches are
	 * permitted so that an error answer is not turned into a login redirect.
	 * @param http the builder
	 * @return the chain
	 * @throws Exception if it cannot be built
	 */
	@Bean
	@Order(3)
	SecurityFilterChain defaultSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize.dispatcherTypeMatchers(DispatcherType.ERROR)
			.permitAll()
			.anyRequest()
			.authenticated()).formLogin(Customizer.withDefaults());
		return http.build();
	}

	/**
	 * The users of {@code demo.users}, in memory. A password without an encoding prefix is taken as plain text
	 * ({@code {noop}}): acceptable for a demo only.
	 * @param properties the demo properties
	 * @return the users
	 */
	@Bean
	UserDetailsService userDetailsService(DemoProperties properties) {
		List<UserDetails> users = properties.getUsers()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().isEnabled())
			.map((entry) -> toUserDetails(entry.getKey(), entry.getValue()))
			.toList();
		return new InMemoryUserDetailsManager(users);
	}

	private static UserDetails toUserDetails(String username, DemoProperties.User user) {
		Assert.hasText(username, "demo.users.<name>: the name must not be empty");
		Assert.hasText(user.getPassword(), () -> "demo.users." + username + ".password is empty");
		String password = user.getPassword().startsWith("{") ? user.getPassword() : "{noop}" + user.getPassword();
		return User.withUsername(username)
			.password(password)
			.roles(user.getRoles().toArray(String[]::new))
			.build();
	}

	private static RequestMatcher htmlRequests() {
		MediaTypeRequestMatcher matcher = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
		matcher.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		return matcher;
	}

}
