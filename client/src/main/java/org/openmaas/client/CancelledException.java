package org.openmaas.client;

import java.time.Duration;

/**
 * gRPC 1 CANCELLED: the calling thread was interrupted while it waited for the service; its interrupt flag is set
 * again.
 */
public final class CancelledException extends MaasException {

    /** gRPC code 1. */
    public static final int GRPC_CODE = 1;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public CancelledException(String message, int httpStatus, String requestId, Duration retryAfter,
                              Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, retryAfter, cause);
    }
}
