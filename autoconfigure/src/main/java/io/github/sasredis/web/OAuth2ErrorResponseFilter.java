package io.github.sasredis.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * Gives an OAuth2 error body to two failures that would otherwise escape Spring Security's endpoints as a 500 page
 * or a redirect to the login page:
 * <ul>
 * <li>the store cannot reach Redis ({@link AuthorizationStoreUnavailableException}): {@code 503} with
 * {@code temporarily_unavailable} and {@code Retry-After}, so nothing is issued and the client retries;</li>
 * <li>the request body is not valid form encoding (the servlet container refuses to parse its parameters):
 * {@code 400} with {@code invalid_request}.</li>
 * </ul>
 * No stack trace and no request value is written or logged; while Redis is down, one WARN line every 10 seconds
 * says so (with how many requests failed since the last one), the rest go to DEBUG. Sits in front of Spring
 * Security's filter chain.
 */
public class OAuth2ErrorResponseFilter extends OncePerRequestFilter {

	static final String UNAVAILABLE_BODY = "{\"error\":\"temporarily_unavailable\","
			+ "\"error_description\":\"The authorization server cannot reach its token store; retry later.\"}";

	static final String MALFORMED_BODY = "{\"error\":\"invalid_request\","
			+ "\"error_description\":\"The request parameters are not valid form encoding.\"}";

	/** Exceptions servlet containers throw when request parameters cannot be parsed. */
	private static final Set<String> MALFORMED_PARAMETERS = Set.of(
			"org.apache.tomcat.util.http.InvalidParameterException", "org.eclipse.jetty.http.BadMessageException");

	private static final Log logger = LogFactory.getLog(OAuth2ErrorResponseFilter.class);

	/** While Redis is down every request fails: one WARN per this interval, the others at DEBUG, counted. */
	private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

	private final AtomicLong notWarned = new AtomicLong();

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (ServletException | IOException | RuntimeException ex) {
			if (response.isCommitted()) {
				throw ex;
			}
			AuthorizationStoreUnavailableException unavailable = find(ex);
			if (unavailable != null) {
				logUnavailable(unavailable.getMessage() + ": " + rootCause(unavailable).getClass().getSimpleName()
						+ " on " + request.getMethod() + " " + request.getRequestURI());
				write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, UNAVAILABLE_BODY, "1");
				return;
			}
			if (isMalformedParameters(ex)) {
				logger.debug("Malformed request parameters on " + request.getMethod() + " " + request.getRequestURI());
				write(response, HttpServletResponse.SC_BAD_REQUEST, MALFORMED_BODY, null);
				return;
			}
			throw ex;
		}
	}

	private void logUnavailable(String message) {
		long now = System.nanoTime();
		long next = this.nextWarning.get();
		if (now - next >= 0 && this.nextWarning.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
			long more = this.notWarned.getAndSet(0);
			logger.warn(message + ((more > 0) ? " (and " + more + " more since the last warning)" : ""));
			return;
		}
		this.notWarned.incrementAndGet();
		if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private static void write(HttpServletResponse response, int status, String body, @Nullable String retryAfter)
			throws IOException {
		response.reset();
		response.setStatus(status);
		response.setHeader("Cache-Control", "no-store");
		if (retryAfter != null) {
			response.setHeader("Retry-After", retryAfter);
		}
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
	}

	private static @Nullable AuthorizationStoreUnavailableException find(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (cause instanceof AuthorizationStoreUnavailableException unavailable) {
				return unavailable;
			}
		}
		return null;
	}

	private static boolean isMalformedParameters(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (MALFORMED_PARAMETERS.contains(cause.getClass().getName())) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable next(Throwable ex) {
		return (ex.getCause() != ex) ? ex.getCause() : null;
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		for (Throwable cause = next(ex); cause != null; cause = next(cause)) {
			root = cause;
		}
		return root;
	}

}
