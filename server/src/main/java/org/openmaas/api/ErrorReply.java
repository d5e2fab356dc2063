package org.openmaas.api;

/**
 * A failure as the wire shows it: HTTP status, gRPC code and a message for the client.
 *
 * @param retryAfterSeconds value of the {@code Retry-After} header; 0 for none
 */
public record ErrorReply(int status, int grpcCode, String message, long retryAfterSeconds) {

    /** The grpc-gateway body: {@code {"code": 3, "message": "...", "details": []}}. */
    public byte[] body() {
        return Json.write(new Body(grpcCode, message));
    }

    /** The last line of a stream that failed after it started: {@code {"error": {...}}}. */
    public byte[] streamLine() {
        return Json.write(new StreamError(new Body(grpcCode, message)));
    }

    record Body(int code, String message, Object[] details) {
        Body(int code, String message) {
            this(code, message, new Object[0]);
        }
    }

    record StreamError(Body error) {
    }
}
