package org.openmaas.api;

/**
 * A failure as the wire shows it: HTTP status, gRPC code and a message for the client.
 *
 * @param retryAfterSeconds value of the {@code Retry-After} header; 0 for none
 * @param param             the request field the failure is about, or null (only OpenAI's error shape shows it)
 * @param consoleCode       the console's {@code code} where its name for the gRPC code is not specific enough, else
 *                          null
 */
public record ErrorReply(int status, int grpcCode, String message, long retryAfterSeconds, String param,
                         String consoleCode) {

    public ErrorReply(int status, int grpcCode, String message, long retryAfterSeconds) {
        this(status, grpcCode, message, retryAfterSeconds, null, null);
    }

    public ErrorReply(int status, int grpcCode, String message, long retryAfterSeconds, String param) {
        this(status, grpcCode, message, retryAfterSeconds, param, null);
    }

    /** The grpc-gateway body: {@code {"code": 3, "message": "...", "details": []}}. */
    public byte[] body() {
        return Json.write(new Body(grpcCode, message));
    }

    /** The last line of a stream that failed after it started: {@code {"error": {...}}}. */
    public byte[] streamLine() {
        return Json.write(new StreamError(new Body(grpcCode, message)));
    }

    /**
     * OpenAI's error body, {@code {"error": {"message", "type", "param", "code"}}}, with the type and code
     * {@link ErrorTable} gives this failure. A stream that fails after it started sends the same object as its last
     * event, as OpenAI does.
     */
    public byte[] openAiBody() {
        return Json.write(new OpenAiError(new OpenAiError.Detail(message, ErrorTable.openAiType(status), param,
                ErrorTable.openAiCode(status, param))));
    }

    /**
     * The console API's error body, {@code {"error": {"code": "not_found", "message": "..."}}}: the code is the gRPC
     * code's name in lower case, or the more specific {@link #consoleCode}.
     */
    public byte[] consoleBody() {
        String code = consoleCode != null ? consoleCode : ErrorTable.codeName(grpcCode);
        return Json.write(new ConsoleError(new ConsoleError.Detail(code, message)));
    }

    record ConsoleError(Detail error) {
        record Detail(String code, String message) {
        }
    }

    record Body(int code, String message, Object[] details) {
        Body(int code, String message) {
            this(code, message, new Object[0]);
        }
    }

    record StreamError(Body error) {
    }

    record OpenAiError(Detail error) {
        // Every field is always present, null when it does not apply, as in OpenAI's own bodies.
        record Detail(String message, String type, String param, String code) {
        }
    }
}
