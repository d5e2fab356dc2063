package org.openmaas.metering;

/** A request that no waiting would let through: it asks for more than a limit allows at all. */
public final class RequestExceedsLimitException extends RuntimeException {
    RequestExceedsLimitException(String message) {
        super(message, null, false, false);
    }
}
