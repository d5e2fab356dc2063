package org.openmaas.client;

import java.time.Duration;

/**
 * The service failed (HTTP 500, gRPC 13 INTERNAL), answered with a status or code this SDK has no category for
 * (kept in {@link #grpcCode()}), or sent something that does not follow the wire contract.
 */
public final class ServerException extends MaasException {

    /** gRPC code 13, INTERNAL: the default for this category. */
    public static final int INTERNAL = 13;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public ServerException(String message, int grpcCode, int httpStatus, String requestId, Duration retryAfter,
                           Throwable cause) {
        super(message, grpcCode, httpStatus, requestId, retryAfter, cause);
    }
}
