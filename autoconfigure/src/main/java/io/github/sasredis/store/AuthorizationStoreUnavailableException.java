package io.github.sasredis.store;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Thrown by the store when Redis cannot be reached or does not answer in time. The store fails closed: no token
 * is issued, found or refreshed while it cannot read or write its records. Its message never names a token.
 */
public class AuthorizationStoreUnavailableException extends DataAccessResourceFailureException {

	public AuthorizationStoreUnavailableException(String message) {
		super(message);
	}

	public AuthorizationStoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
