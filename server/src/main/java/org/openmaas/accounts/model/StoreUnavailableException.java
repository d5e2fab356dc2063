package org.openmaas.accounts.model;

/**
 * The store cannot be reached now (no connection in time, connection lost, database shutting down), as opposed to
 * a mistake in a statement: nothing was done, and the same call may succeed in a few seconds.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(Throwable cause) {
        super("the database is unavailable: " + cause.getMessage(), cause);
    }
}
