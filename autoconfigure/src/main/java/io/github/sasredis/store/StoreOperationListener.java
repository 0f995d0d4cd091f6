package io.github.sasredis.store;

import org.jspecify.annotations.Nullable;

/**
 * Hears what the store does, for metrics: each Redis operation with its duration and outcome, and each refresh
 * token newly recorded. Called on the request thread; implementations must be fast and must not throw.
 */
public interface StoreOperationListener {

	/** A listener that does nothing. */
	StoreOperationListener NONE = new StoreOperationListener() {
	};

	/**
	 * Called after each store operation.
	 * @param operation {@code save}, {@code remove}, {@code findById}, {@code findByToken}, {@code list},
	 * {@code revoke} or {@code revokeAll}
	 * @param nanos how long it took
	 * @param error the exception it ended with, or {@code null}
	 */
	default void onOperation(String operation, long nanos, @Nullable Throwable error) {
	}

	/**
	 * Called after a refresh token was newly recorded.
	 * @param record its record
	 */
	default void onRefreshTokenRecorded(RefreshTokenRecord record) {
	}

}
