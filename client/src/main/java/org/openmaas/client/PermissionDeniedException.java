package org.openmaas.client;

import java.time.Duration;

/**
 * HTTP 403, gRPC 7 PERMISSION_DENIED: valid credentials asking for something that is not theirs (another cloud
 * account, a missing scope).
 */
public final class PermissionDeniedException extends MaasException {

    /** gRPC code 7. */
    public static final int GRPC_CODE = 7;

    /**
     * The SDK creates these; public so that tests of applications can too. {@code requestId} and {@code retryAfter}
     * may be null.
     */
    public PermissionDeniedException(String message, int httpStatus, String requestId, Duration retryAfter,
                                     Throwable cause) {
        super(message, GRPC_CODE, httpStatus, requestId, retryAfter, cause);
    }
}
