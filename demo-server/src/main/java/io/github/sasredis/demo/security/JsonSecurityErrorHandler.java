package io.github.sasredis.demo.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers an unauthenticated or forbidden API request with 401 or 403 and a small JSON body, written directly: no
 * redirect to a login page and no error dispatch that another filter chain could turn into one.
 */
final class JsonSecurityErrorHandler implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final String realm;

	JsonSecurityErrorHandler(String realm) {
		this.realm = realm;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + this.realm + "\"");
		write(response, HttpStatus.UNAUTHORIZED, "unauthorized");
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		write(response, HttpStatus.FORBIDDEN, "forbidden");
	}

	private static void write(HttpServletResponse response, HttpStatus status, String error) throws IOException {
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write("{\"error\":\"" + error + "\",\"status\":" + status.value() + "}");
	}

}
