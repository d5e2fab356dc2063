package org.openmaas.client;

import java.time.Duration;

/** HTTP 404, gRPC 5 NOT_FOUND: no such product (or endpoint). */
public final class NotFoundException extends MaasException {

    /** gRPC code 5. */
    public static final int GRPC_CODE = 5;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public NotFoundException(String message, int httpStatus, String requestId, Duration retryAfter,
                             Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, retryAfter, cause);
    }
}
