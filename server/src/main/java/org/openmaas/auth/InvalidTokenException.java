package org.openmaas.auth;

/** A bearer token that is missing, malformed, forged, expired or belongs to a revoked client. */
public final class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String message) {
        super(message);
    }
}
