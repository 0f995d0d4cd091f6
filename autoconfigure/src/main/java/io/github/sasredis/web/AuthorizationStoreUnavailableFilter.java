package io.github.sasredis.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.github.sasredis.store.AuthorizationStoreUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers requests that failed because Redis could not be reached with {@code 503 Service Unavailable} and an
 * OAuth2 error body ({@code temporarily_unavailable}), instead of a 500 page: the token endpoint issues nothing,
 * tells the client to retry, and shows no stack trace. Sits in front of Spring Security's filter chain, where the
 * store's {@link AuthorizationStoreUnavailableException} surfaces.
 */
public class AuthorizationStoreUnavailableFilter extends OncePerRequestFilter {

	static final String BODY = "{\"error\":\"temporarily_unavailable\","
			+ "\"error_description\":\"The authorization server cannot reach its token store; retry later.\"}";

	private static final Log logger = LogFactory.getLog(AuthorizationStoreUnavailableFilter.class);

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (ServletException | IOException | RuntimeException ex) {
			AuthorizationStoreUnavailableException unavailable = find(ex);
			if (unavailable == null || response.isCommitted()) {
				throw ex;
			}
			Throwable root = rootCause(unavailable);
			logger.warn(unavailable.getMessage() + ": " + root.getClass().getSimpleName() + " on "
					+ request.getMethod() + " " + request.getRequestURI());
			response.reset();
			response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
			response.setHeader("Retry-After", "1");
			response.setHeader("Cache-Control", "no-store");
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.getOutputStream().write(BODY.getBytes(StandardCharsets.UTF_8));
		}
	}

	private static @Nullable AuthorizationStoreUnavailableException find(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof AuthorizationStoreUnavailableException unavailable) {
				return unavailable;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

}
