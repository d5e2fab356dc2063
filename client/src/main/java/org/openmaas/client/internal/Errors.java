package org.openmaas.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.openmaas.client.AuthenticationException;
import org.openmaas.client.CancelledException;
import org.openmaas.client.DeadlineExceededException;
import org.openmaas.client.InvalidArgumentException;
import org.openmaas.client.MaasException;
import org.openmaas.client.NotFoundException;
import org.openmaas.client.PermissionDeniedException;
import org.openmaas.client.ResourceExhaustedException;
import org.openmaas.client.ServerException;
import org.openmaas.client.UnavailableException;

/**
 * Turns error responses into the SDK's exceptions: grpc-gateway bodies {@code {"code", "message", "details"}},
 * stream error lines {@code {"error": {...}}}, RFC 6749 token errors {@code {"error", "error_description"}}, and,
 * for anything else (a proxy's HTML page), the HTTP status alone.
 */
public final class Errors {

    private static final int MAX_SNIPPET = 200;

    private Errors() {
    }

    /** The exception for a non-2xx response with {@code body}. */
    public static MaasException fromResponse(int status, byte[] body, String requestId, Duration retryAfter) {
        JsonNode json = readJson(body);
        if (json != null && json.isObject()) {
            JsonNode code = json.get("code");
            if (code != null && code.canConvertToInt() && json.hasNonNull("message")) {
                return forCode(code.asInt(), json.get("message").asText(), status, requestId, retryAfter, null);
            }
            JsonNode error = json.get("error");
            if (error != null && error.isObject()) {
                return fromErrorObject(error, status, requestId, retryAfter);
            }
            if (error != null && error.isTextual()) { // RFC 6749 §5.2
                String description = json.path("error_description").asText("");
                String message = description.isEmpty() ? error.asText() : description;
                int grpc = codeForStatus(status);
                if (grpc == AuthenticationException.GRPC_CODE || "invalid_client".equals(error.asText())) {
                    return new AuthenticationException(message, status, requestId, error.asText(), null);
                }
                return forCode(grpc, message + " (" + error.asText() + ")", status, requestId, retryAfter, null);
            }
        }
        return forCode(codeForStatus(status), "HTTP " + status + snippet(body), status, requestId, retryAfter, null);
    }

    /** The exception for a stream's {@code {"error": {...}}} line (HTTP status 200: the stream had started). */
    public static MaasException fromStreamError(JsonNode error, String requestId) {
        return fromErrorObject(error, 200, requestId, null);
    }

    // grpc-gateway v2 writes {"code", "message"}; v1 wrote {"grpc_code", "http_code", "message"}.
    private static MaasException fromErrorObject(JsonNode error, int status, String requestId, Duration retryAfter) {
        JsonNode code = error.has("code") ? error.get("code") : error.get("grpc_code");
        int grpc = code != null && code.canConvertToInt() ? code.asInt() : codeForStatus(status);
        String message = error.path("message").asText("");
        return forCode(grpc, message.isEmpty() ? "the service reported error code " + grpc : message, status,
                requestId, retryAfter, null);
    }

    /** The exception class of gRPC code {@code code}. */
    public static MaasException forCode(int code, String message, int status, String requestId, Duration retryAfter,
                                        Throwable cause) {
        return switch (code) {
            case InvalidArgumentException.GRPC_CODE -> new InvalidArgumentException(message, status, requestId, retryAfter, cause);
            case AuthenticationException.GRPC_CODE -> new AuthenticationException(message, status, requestId, null, cause);
            case PermissionDeniedException.GRPC_CODE -> new PermissionDeniedException(message, status, requestId, retryAfter, cause);
            case NotFoundException.GRPC_CODE -> new NotFoundException(message, status, requestId, retryAfter, cause);
            case ResourceExhaustedException.GRPC_CODE -> new ResourceExhaustedException(message, status, requestId, retryAfter, cause);
            case UnavailableException.GRPC_CODE -> new UnavailableException(message, status, requestId, retryAfter, cause);
            case DeadlineExceededException.GRPC_CODE -> new DeadlineExceededException(message, status, requestId, retryAfter, cause);
            case CancelledException.GRPC_CODE -> new CancelledException(message, status, requestId, retryAfter, cause);
            default -> new ServerException(message, code, status, requestId, retryAfter, cause);
        };
    }

    /** The gRPC code grpc-gateway gives an HTTP status (ARCHITECTURE §2.4), for bodies that carry none. */
    public static int codeForStatus(int status) {
        return switch (status) {
            case 400 -> InvalidArgumentException.GRPC_CODE;
            case 401 -> AuthenticationException.GRPC_CODE;
            case 403 -> PermissionDeniedException.GRPC_CODE;
            case 404 -> NotFoundException.GRPC_CODE;
            case 408, 504 -> DeadlineExceededException.GRPC_CODE;
            case 429 -> ResourceExhaustedException.GRPC_CODE;
            case 502, 503 -> UnavailableException.GRPC_CODE;
            case 405, 501 -> 12; // UNIMPLEMENTED
            case 500 -> ServerException.INTERNAL;
            default -> 2; // UNKNOWN
        };
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return body.length == 0 ? null : Wire.JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > MAX_SNIPPET ? text.substring(0, MAX_SNIPPET) + "…" : text);
    }
}
