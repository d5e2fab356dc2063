package org.openmaas.api;

/**
 * A request refused before its stream starts, one subtype per failure category. {@link ErrorTable} maps each to its
 * HTTP status and gRPC code. Messages say what was wrong and what is allowed; they never carry secrets.
 */
public sealed abstract class ApiException extends RuntimeException {

    private final String param;

    private ApiException(String message) {
        this(message, null);
    }

    private ApiException(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    /** The request field this failure is about (OpenAI's error bodies name it), or null. */
    public String param() {
        return param;
    }

    /** 400 INVALID_ARGUMENT: the request itself is wrong. */
    public static final class InvalidArgument extends ApiException {
        public InvalidArgument(String message) {
            super(message);
        }

        /** @param param the request field that is wrong */
        public InvalidArgument(String message, String param) {
            super(message, param);
        }
    }

    /** 401 UNAUTHENTICATED: no valid access token. */
    public static final class Unauthenticated extends ApiException {
        public Unauthenticated(String message) {
            super(message);
        }
    }

    /** 403 PERMISSION_DENIED: a valid caller asking for something that is not theirs. */
    public static final class PermissionDenied extends ApiException {
        public PermissionDenied(String message) {
            super(message);
        }
    }

    /**
     * 403 PERMISSION_DENIED with the console's code {@code csrf}: a browser request that changes something without
     * its session's CSRF token, or that its browser says came from another site's page.
     */
    public static final class CsrfRefused extends ApiException {
        public CsrfRefused(String message) {
            super(message);
        }
    }

    /** 404 NOT_FOUND. */
    public static final class NotFound extends ApiException {
        public NotFound(String message) {
            super(message);
        }

        /** @param param the request field that names what is not there */
        public NotFound(String message, String param) {
            super(message, param);
        }
    }

    /** 429 RESOURCE_EXHAUSTED: come back after {@code retryAfterSeconds}. */
    public static final class ResourceExhausted extends ApiException {
        private final long retryAfterSeconds;

        public ResourceExhausted(String message, long retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** 503 UNAVAILABLE: the service cannot take this now (starting, stopping, model not loaded). */
    public static final class Unavailable extends ApiException {
        private final long retryAfterSeconds;

        public Unavailable(String message, long retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
