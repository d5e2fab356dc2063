package org.openmaas.client;

import java.time.Duration;

/** HTTP 400, gRPC 3 INVALID_ARGUMENT: the request itself is wrong; the message names the field and what is allowed. */
public final class InvalidArgumentException extends MaasException {

    /** gRPC code 3. */
    public static final int GRPC_CODE = 3;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public InvalidArgumentException(String message, int httpStatus, String requestId, Duration retryAfter,
                                    Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, retryAfter, cause);
    }
}
