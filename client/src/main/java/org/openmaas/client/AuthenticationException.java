package org.openmaas.client;

import java.time.Duration;
import java.util.Optional;

/**
 * HTTP 401, gRPC 16 UNAUTHENTICATED: the token endpoint refused the client id and secret, or the API refused the
 * access token even after the client fetched a fresh one.
 */
public final class AuthenticationException extends MaasException {

    /** gRPC code 16. */
    public static final int GRPC_CODE = 16;

    private final String oauthError;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code oauthError}
     * may be null.
     */
    public AuthenticationException(String message, int httpStatus, String requestId, String oauthError,
                                   Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, (Duration) null, cause);
        this.oauthError = oauthError;
    }

    /** The token endpoint's RFC 6749 error code, e.g. {@code invalid_client}, when the token endpoint refused. */
    public Optional<String> oauthError() {
        return Optional.ofNullable(oauthError);
    }
}
