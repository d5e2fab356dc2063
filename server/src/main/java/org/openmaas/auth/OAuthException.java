package org.openmaas.auth;

/**
 * A refused token request, in the terms of RFC 6749 §5.2.
 *
 * @see OAuthError
 */
public final class OAuthException extends RuntimeException {
    private final OAuthError error;

    public OAuthException(OAuthError error, String description) {
        super(description);
        this.error = error;
    }

    public OAuthError error() {
        return error;
    }
}
