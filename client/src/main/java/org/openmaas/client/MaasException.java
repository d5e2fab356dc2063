package org.openmaas.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A call the service refused or that could not complete, one subclass per failure category of the wire contract
 * (gRPC status codes, as grpc-gateway maps them to HTTP statuses):
 *
 * <table>
 * <caption>Failure categories</caption>
 * <tr><th>exception</th><th>HTTP</th><th>gRPC code</th></tr>
 * <tr><td>{@link InvalidArgumentException}</td><td>400</td><td>3 INVALID_ARGUMENT</td></tr>
 * <tr><td>{@link AuthenticationException}</td><td>401</td><td>16 UNAUTHENTICATED</td></tr>
 * <tr><td>{@link PermissionDeniedException}</td><td>403</td><td>7 PERMISSION_DENIED</td></tr>
 * <tr><td>{@link NotFoundException}</td><td>404</td><td>5 NOT_FOUND</td></tr>
 * <tr><td>{@link ResourceExhaustedException}</td><td>429</td><td>8 RESOURCE_EXHAUSTED</td></tr>
 * <tr><td>{@link UnavailableException}</td><td>503, or none when the service cannot be reached</td><td>14 UNAVAILABLE</td></tr>
 * <tr><td>{@link DeadlineExceededException}</td><td>none: a connect or read timeout</td><td>4 DEADLINE_EXCEEDED</td></tr>
 * <tr><td>{@link CancelledException}</td><td>none: the calling thread was interrupted</td><td>1 CANCELLED</td></tr>
 * <tr><td>{@link ServerException}</td><td>500 and anything unexpected</td><td>13 INTERNAL or the code given</td></tr>
 * </table>
 *
 * <p>A failure after a stream started arrives as the stream's last line and is thrown from the stream's iterator
 * with {@link #httpStatus()} 200. The message is the service's own; it never holds the client secret or a token.
 */
public abstract sealed class MaasException extends RuntimeException
        permits InvalidArgumentException, AuthenticationException, PermissionDeniedException, NotFoundException,
        ResourceExhaustedException, UnavailableException, DeadlineExceededException, CancelledException,
        ServerException {

    private final int grpcCode;
    private final int httpStatus;
    private final String requestId;
    private final Duration retryAfter;

    MaasException(String message, int grpcCode, int httpStatus, String requestId, Duration retryAfter,
                  Throwable cause) {
        super(message, cause);
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.retryAfter = retryAfter;
    }

    /** The gRPC status code, e.g. 3 for INVALID_ARGUMENT. */
    public int grpcCode() {
        return grpcCode;
    }

    /** The gRPC status code's name, e.g. {@code INVALID_ARGUMENT}. */
    public String grpcCodeName() {
        return codeName(grpcCode);
    }

    /** The HTTP status of the response; 200 for a failure reported mid-stream; 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The service's id of the failed request ({@code X-Request-ID}), when a response arrived with one. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** How long the service asked the client to wait ({@code Retry-After}), when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getName()).append(": ").append(getMessage()).append(" (");
        if (httpStatus > 0) {
            s.append("HTTP ").append(httpStatus).append(", ");
        }
        s.append(grpcCodeName());
        if (requestId != null) {
            s.append(", request id ").append(requestId);
        }
        return s.append(')').toString();
    }

    static String codeName(int code) {
        return switch (code) {
            case 0 -> "OK";
            case 1 -> "CANCELLED";
            case 2 -> "UNKNOWN";
            case 3 -> "INVALID_ARGUMENT";
            case 4 -> "DEADLINE_EXCEEDED";
            case 5 -> "NOT_FOUND";
            case 6 -> "ALREADY_EXISTS";
            case 7 -> "PERMISSION_DENIED";
            case 8 -> "RESOURCE_EXHAUSTED";
            case 9 -> "FAILED_PRECONDITION";
            case 10 -> "ABORTED";
            case 11 -> "OUT_OF_RANGE";
            case 12 -> "UNIMPLEMENTED";
            case 13 -> "INTERNAL";
            case 14 -> "UNAVAILABLE";
            case 15 -> "DATA_LOSS";
            case 16 -> "UNAUTHENTICATED";
            default -> "CODE_" + code;
        };
    }
}
