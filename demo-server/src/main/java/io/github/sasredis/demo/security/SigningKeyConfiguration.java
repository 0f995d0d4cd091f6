package io.github.sasredis.demo.security;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.github.sasredis.demo.DemoProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.util.Assert;

/**
 * Signs tokens with an RSA key read from {@code demo.jwk.private-key-location} instead of Boot's default key, which is
 * generated anew at every start. Only a key that is the same across restarts and on every instance lets access and ID
 * tokens issued before a restart, or by another instance, pass signature checks (the userinfo endpoint, resource
 * servers). The bundled key is demo-only: it is published with the source code.
 */
@Configuration(proxyBeanMethods = false)
public class SigningKeyConfiguration {

	private static final Log logger = LogFactory.getLog(SigningKeyConfiguration.class);

	/**
	 * The signing key as a JWK source.
	 * @param properties the demo properties
	 * @return a source holding the one RSA key
	 * @throws IOException if the key cannot be read
	 * @throws GeneralSecurityException if it is not an RSA private key
	 */
	@Bean
	JWKSource<SecurityContext> jwkSource(DemoProperties properties) throws IOException, GeneralSecurityException {
		Resource location = properties.getJwk().getPrivateKeyLocation();
		Assert.state(location != null && location.exists(),
				() -> "demo.jwk.private-key-location does not point to a PEM file: " + location);
		RSAPrivateKey privateKey;
		try (InputStream in = location.getInputStream()) {
			privateKey = RsaKeyConverters.pkcs8().convert(in);
		}
		Assert.state(privateKey instanceof RSAPrivateCrtKey, "The signing key must hold its public exponent (CRT form)");
		RSAPrivateCrtKey crtKey = (RSAPrivateCrtKey) privateKey;
		RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
			.generatePublic(new RSAPublicKeySpec(crtKey.getModulus(), crtKey.getPublicExponent()));
		RSAKey key = new RSAKey.Builder(publicKey).privateKey(privateKey).keyID(properties.getJwk().getKeyId()).build();
		logger.info("Signing tokens with the RSA key '" + key.getKeyID() + "' from " + location.getDescription());
		return new ImmutableJWKSet<>(new JWKSet(key));
	}

}
