package org.openmaas.store;

/** A create or rename that would give two rows the same unique key (id or name). */
public final class DuplicateException extends RuntimeException {
    public DuplicateException(String message) {
        super(message, null, false, false);
    }
}
