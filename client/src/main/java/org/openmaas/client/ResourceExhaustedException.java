package org.openmaas.client;

import java.time.Duration;

/**
 * HTTP 429, gRPC 8 RESOURCE_EXHAUSTED: the service is busy (a full queue, a rate limit); thrown once the client's
 * retries are spent. {@link #retryAfter()} says how long the service asked to wait.
 */
public final class ResourceExhaustedException extends MaasException {

    /** gRPC code 8. */
    public static final int GRPC_CODE = 8;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public ResourceExhaustedException(String message, int httpStatus, String requestId, Duration retryAfter,
                                      Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, retryAfter, cause);
    }
}
