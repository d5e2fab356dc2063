package org.openmaas.engine.remote;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Why an attempt on one endpoint failed; the pool decides from the kind whether to try another endpoint. */
public sealed interface UpstreamFailure {

    /** Said for logs and, once no endpoint is left, to the client (never the upstream's key or a prompt). */
    String message();

    /** No connection (refused, unresolved, timed out) or it broke before any response. */
    record Unreachable(String message) implements UpstreamFailure {
        public Unreachable {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The endpoint answered that it cannot serve now: 5xx, or 429 with the wait it asked for.
     *
     * @param retryAfter the upstream's {@code Retry-After}, when it sent one
     */
    record Busy(int status, Optional<Duration> retryAfter, String message) implements UpstreamFailure {
        public Busy {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The endpoint refused the request itself (4xx other than 429): another endpoint of the same model would too. */
    record Rejected(int status, String message) implements UpstreamFailure {
        public Rejected {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The stream broke or became unreadable after it started (connection lost, malformed event, an error event). */
    record Broken(String message) implements UpstreamFailure {
        public Broken {
            Objects.requireNonNull(message, "message");
        }
    }
}
