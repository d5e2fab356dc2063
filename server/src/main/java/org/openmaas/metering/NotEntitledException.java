package org.openmaas.metering;

/** The caller's cloud account may not use the product it asked for. */
public final class NotEntitledException extends RuntimeException {
    NotEntitledException(String message) {
        super(message, null, false, false);
    }
}
