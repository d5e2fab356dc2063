package org.openmaas.api;

import io.helidon.http.HttpException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.StoreUnavailableException;
import org.openmaas.auth.GuessingGuard;
import org.openmaas.auth.InvalidTokenException;
import org.openmaas.catalog.ProductChangeException;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.UnsupportedParameterException;
import org.openmaas.grammar.GrammarException;
import org.openmaas.metering.LimitExceededException;
import org.openmaas.metering.NotEntitledException;
import org.openmaas.metering.RequestExceedsLimitException;

/**
 * The one place where failures become wire errors (ARCHITECTURE §2.4): every category's HTTP status and gRPC code.
 * Anything unexpected becomes 500 INTERNAL with the request id, and its stack trace goes to the server log only.
 */
public final class ErrorTable {

    public static final int INVALID_ARGUMENT = 3;
    public static final int NOT_FOUND = 5;
    public static final int ALREADY_EXISTS = 6;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int ABORTED = 10;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    /**
     * {@code Retry-After} when this instance, its engine or its database cannot serve now (starting, stopping, down):
     * long enough for a load balancer to send the retry to another instance.
     */
    public static final long RETRY_UNAVAILABLE_SECONDS = 5;
    /** {@code Retry-After} when an engine's wait queue is full: a place frees as soon as one generation ends. */
    public static final long RETRY_OVERLOADED_SECONDS = 1;

    private static final Logger LOG = Logger.getLogger(ErrorTable.class.getName());

    private ErrorTable() {
    }

    public static ErrorReply reply(Throwable failure, String requestId) {
        return switch (failure) {
            case ApiException.InvalidArgument e -> new ErrorReply(400, INVALID_ARGUMENT, e.getMessage(), 0, e.param());
            case ApiException.Unauthenticated e -> new ErrorReply(401, UNAUTHENTICATED, e.getMessage(), 0);
            case ApiException.PermissionDenied e -> new ErrorReply(403, PERMISSION_DENIED, e.getMessage(), 0);
            case ApiException.CsrfRefused e -> new ErrorReply(403, PERMISSION_DENIED, e.getMessage(), 0, null, "csrf");
            case ApiException.NotFound e -> new ErrorReply(404, NOT_FOUND, e.getMessage(), 0, e.param());
            case AccountsException.Invalid e -> new ErrorReply(400, INVALID_ARGUMENT, e.getMessage(), 0);
            case AccountsException.NotFound e -> new ErrorReply(404, NOT_FOUND, e.getMessage(), 0);
            case AccountsException.AlreadyExists e -> new ErrorReply(409, ALREADY_EXISTS, e.getMessage(), 0);
            case AccountsException.Conflict e -> new ErrorReply(409, ABORTED, e.getMessage(), 0);
            case ProductChangeException.NotFound e -> new ErrorReply(404, NOT_FOUND, e.getMessage(), 0);
            case ProductChangeException.AlreadyExists e -> new ErrorReply(409, ALREADY_EXISTS, e.getMessage(), 0);
            case ProductChangeException.Stopping e ->
                    new ErrorReply(503, UNAVAILABLE, e.getMessage(), RETRY_UNAVAILABLE_SECONDS);
            case NotEntitledException e -> new ErrorReply(403, PERMISSION_DENIED, e.getMessage(), 0);
            case LimitExceededException e -> new ErrorReply(429, RESOURCE_EXHAUSTED, e.getMessage(), e.retryAfterSeconds());
            case RequestExceedsLimitException e -> new ErrorReply(400, INVALID_ARGUMENT, e.getMessage(), 0);
            case ApiException.ResourceExhausted e ->
                    new ErrorReply(429, RESOURCE_EXHAUSTED, e.getMessage(), e.retryAfterSeconds());
            case ApiException.Unavailable e -> new ErrorReply(503, UNAVAILABLE, e.getMessage(), e.retryAfterSeconds());
            case InvalidTokenException e -> new ErrorReply(401, UNAUTHENTICATED, e.getMessage(), 0);
            case GuessingGuard.TooManyFailures e ->
                    new ErrorReply(429, RESOURCE_EXHAUSTED, e.getMessage(), e.retryAfterSeconds());
            case EngineOverloadedException e -> new ErrorReply(429, RESOURCE_EXHAUSTED,
                    e.getMessage() + "; retry shortly", RETRY_OVERLOADED_SECONDS);
            case UnsupportedParameterException e ->
                    new ErrorReply(400, INVALID_ARGUMENT, e.getMessage(), 0, e.parameter());
            case GrammarException e -> new ErrorReply(400, INVALID_ARGUMENT, e.getMessage(), 0);
            case EngineClosedException e -> new ErrorReply(503, UNAVAILABLE, e.getMessage(), RETRY_UNAVAILABLE_SECONDS);
            case GenerationFailedException e -> generationFailure(e.failed());
            case HttpException e -> fromHttpStatus(e.status().code(), e.getMessage());
            case StoreUnavailableException e -> {
                LOG.warning("request " + requestId + ": " + e.getMessage());
                yield new ErrorReply(503, UNAVAILABLE, "the service's database is unavailable; nothing was done, "
                        + "retry in a few seconds", RETRY_UNAVAILABLE_SECONDS);
            }
            default -> {
                LOG.log(Level.SEVERE, "request " + requestId + " failed", failure);
                yield new ErrorReply(500, INTERNAL, "internal error; quote request id " + requestId + " when reporting it", 0);
            }
        };
    }

    /**
     * A generation that failed, however its route answers: a stream's last line (a MaaS error line, an OpenAI error
     * event) or a whole result's error object ({@link GenerationFailedException}).
     */
    public static ErrorReply generationFailure(GenerationEvent.Failed failed) {
        return switch (failed.cause()) {
            case STOPPING -> new ErrorReply(503, UNAVAILABLE, failed.message() + "; retry the request",
                    RETRY_UNAVAILABLE_SECONDS);
            case INTERNAL -> new ErrorReply(500, INTERNAL, failed.message(), 0);
            case UNAVAILABLE -> new ErrorReply(503, UNAVAILABLE, failed.message() + "; retry the request",
                    RETRY_UNAVAILABLE_SECONDS);
            case REJECTED -> new ErrorReply(400, INVALID_ARGUMENT, failed.message(), 0);
        };
    }

    /** The name of a gRPC code in lower case ({@code not_found}), as the console's error bodies give it. */
    static String codeName(int grpcCode) {
        return switch (grpcCode) {
            case INVALID_ARGUMENT -> "invalid_argument";
            case NOT_FOUND -> "not_found";
            case ALREADY_EXISTS -> "already_exists";
            case PERMISSION_DENIED -> "permission_denied";
            case RESOURCE_EXHAUSTED -> "resource_exhausted";
            case ABORTED -> "aborted";
            case UNIMPLEMENTED -> "unimplemented";
            case UNAVAILABLE -> "unavailable";
            case UNAUTHENTICATED -> "unauthenticated";
            default -> "internal";
        };
    }

    /**
     * OpenAI's error {@code type} for an HTTP status, as its API returns them (its SDKs pick the exception class by
     * status alone, so the type is for people reading the body).
     */
    static String openAiType(int status) {
        return switch (status) {
            case 403 -> "permission_error";
            case 429 -> "requests";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** OpenAI's error {@code code} for an HTTP status and the field at fault; null where OpenAI sends none. */
    static String openAiCode(int status, String param) {
        return switch (status) {
            case 401 -> "invalid_api_key";
            case 404 -> "model".equals(param) ? "model_not_found" : null;
            case 429 -> "rate_limit_exceeded";
            case 503 -> "service_unavailable";
            default -> null;
        };
    }

    private static ErrorReply fromHttpStatus(int status, String message) {
        int code = switch (status) {
            case 400, 411, 413, 414, 415, 431 -> INVALID_ARGUMENT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 409 -> ABORTED;
            case 405 -> UNIMPLEMENTED;
            case 429 -> RESOURCE_EXHAUSTED;
            case 503 -> UNAVAILABLE;
            default -> INTERNAL;
        };
        return new ErrorReply(status, code, message == null ? "HTTP " + status : message, 0);
    }
}
