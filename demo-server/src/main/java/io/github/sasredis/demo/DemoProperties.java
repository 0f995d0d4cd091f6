package io.github.sasredis.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The demo's own settings under {@code demo.*}: its users, its signing key and its embedded Redis fallback. The
 * defaults in {@code application.yml} are demo-only values (plain-text passwords, a signing key published with the
 * source code); they exist so that the demo runs with one command, never for production.
 */
@ConfigurationProperties("demo")
public class DemoProperties {

	/**
	 * Users kept in memory (demo only), by login name: {@code demo.users.<name>.password}, {@code ...roles},
	 * {@code ...enabled}. The login name is also the {@code user_id} under which the user's refresh tokens are
	 * recorded; write names with characters other than letters, digits and {@code -} in brackets
	 * ({@code demo.users[jane_doe].password}), or Spring Boot drops those characters from the key.
	 */
	private Map<String, User> users = new LinkedHashMap<>();

	private final Jwk jwk = new Jwk();

	private final EmbeddedRedis embeddedRedis = new EmbeddedRedis();

	public Map<String, User> getUsers() {
		return this.users;
	}

	public void setUsers(Map<String, User> users) {
		this.users = users;
	}

	public Jwk getJwk() {
		return this.jwk;
	}

	public EmbeddedRedis getEmbeddedRedis() {
		return this.embeddedRedis;
	}

	/**
	 * One in-memory user of the demo; its login name is its key under {@code demo.users}.
	 */
	public static class User {

		/**
		 * Password, either plain text (demo only) or already encoded with a {@code {id}} prefix such as
		 * {@code {bcrypt}...}.
		 */
		private String password;

		/**
		 * Roles without the {@code ROLE_} prefix, for example {@code USER} or {@code OPS}.
		 */
		private List<String> roles = new ArrayList<>(List.of("USER"));

		/**
		 * Whether the user exists; set to false to drop one of the defaults
		 * ({@code demo.users.alice.enabled=false}).
		 */
		private boolean enabled = true;

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getRoles() {
			return this.roles;
		}

		public void setRoles(List<String> roles) {
			this.roles = roles;
		}

	}

	/**
	 * Where the key that signs access and ID tokens comes from. It must be the same on every instance and across
	 * restarts, or tokens issued earlier or elsewhere fail signature checks.
	 */
	public static class Jwk {

		/**
		 * PEM file holding the RSA private key in PKCS#8 form ("BEGIN PRIVATE KEY"). The default is a demo-only
		 * key published with the source code: never use it in production.
		 */
		private Resource privateKeyLocation;

		/**
		 * Key id ("kid") published in the JWK set and in the header of signed tokens.
		 */
		private String keyId = "sas-redis-demo";

		public Resource getPrivateKeyLocation() {
			return this.privateKeyLocation;
		}

		public void setPrivateKeyLocation(Resource privateKeyLocation) {
			this.privateKeyLocation = privateKeyLocation;
		}

		public String getKeyId() {
			return this.keyId;
		}

		public void setKeyId(String keyId) {
			this.keyId = keyId;
		}

	}

	/**
	 * The fallback used when no Redis is configured and none answers on the probed address: a Redis started by the
	 * demo itself, in memory only, stopped with the application.
	 */
	public static class EmbeddedRedis {

		/**
		 * Whether to start an embedded Redis when none is configured and none answers on the probed address.
		 */
		private boolean enabled = true;

		/**
		 * Host probed with PING before falling back to an embedded Redis.
		 */
		private String probeHost = "localhost";

		/**
		 * Port probed with PING before falling back to an embedded Redis.
		 */
		private int probePort = 6379;

		/**
		 * How long the probe waits to connect and then for the answer to PING.
		 */
		private Duration probeTimeout = Duration.ofMillis(500);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getProbeHost() {
			return this.probeHost;
		}

		public void setProbeHost(String probeHost) {
			this.probeHost = probeHost;
		}

		public int getProbePort() {
			return this.probePort;
		}

		public void setProbePort(int probePort) {
			this.probePort = probePort;
		}

		public Duration getProbeTimeout() {
			return this.probeTimeout;
		}

		public void setProbeTimeout(Duration probeTimeout) {
			this.probeTimeout = probeTimeout;
		}

	}

}
