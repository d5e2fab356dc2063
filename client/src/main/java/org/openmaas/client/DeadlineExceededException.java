package org.openmaas.client;

import java.time.Duration;

/**
 * gRPC 4 DEADLINE_EXCEEDED: no connection within the connect timeout, or no data within the read timeout ({@link
 * #httpStatus()} 0 before a response, 200 mid-stream). The exchange is aborted.
 */
public final class DeadlineExceededException extends MaasException {

    /** gRPC code 4. */
    public static final int GRPC_CODE = 4;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public DeadlineExceededException(String message, int httpStatus, String requestId, Duration retryAfter,
                                     Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, retryAfter, cause);
    }
}
