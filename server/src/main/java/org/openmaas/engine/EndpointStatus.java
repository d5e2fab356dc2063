package org.openmaas.engine;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One server an engine elsewhere sends generations to, as health checks and metrics show it.
 *
 * @param inFlight          generations streaming from it now
 * @param maxConcurrent     generations it may stream at once before the engine queues
 * @param attempts          attempts started on it since the engine started
 * @param errors            of those, attempts that failed (connection, 5xx, 429, a broken stream)
 * @param timeToFirstToken  a moving average of its attempts' time to first token; empty before its first token
 * @param lastError         what its last failure (attempt or health check) said
 */
public record EndpointStatus(URI endpoint, State state, int inFlight, int maxConcurrent, long attempts, long errors,
                             Optional<Duration> timeToFirstToken, Optional<String> lastError) {

    public EndpointStatus {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(lastError, "lastError");
    }

    /** Whether it takes generations, and why not. */
    public enum State {
        /** Takes generations up to its {@code maxConcurrent}. */
        HEALTHY,
        /** Ejected after consecutive failures and due for a trial: one generation is sent to see if it recovered. */
        HALF_OPEN,
        /** Ejected after consecutive failures: no generation is sent until its ejection ends. */
        EJECTED,
        /** It answered 429: no generation is sent until its Retry-After has passed. */
        RESTING,
        /** Its last health check failed: no generation is sent until one succeeds. */
        DOWN;

        /** The lower-case name the admin API and metrics use. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
