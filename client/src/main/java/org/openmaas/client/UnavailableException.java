package org.openmaas.client;

import java.time.Duration;

/**
 * gRPC 14 UNAVAILABLE: the service answered 503 (starting, stopping, model not loaded) and the client's retries are
 * spent, or it could not be reached at all ({@link #httpStatus()} 0), or the connection broke mid-stream.
 */
public final class UnavailableException extends MaasException {

    /** gRPC code 14. */
    public static final int GRPC_CODE = 14;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public UnavailableException(String message, int httpStatus, String requestId, Duration retryAfter,
                                Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, retryAfter, cause);
    }
}
