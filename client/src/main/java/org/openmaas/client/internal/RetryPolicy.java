package org.openmaas.client.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a refused request again (429 and 503, before any response body was streamed): after the service's
 * {@code Retry-After} when it gave one, else after an exponential backoff with jitter; never more than
 * {@code maxAttempts} attempts in all, nor a total wait above {@code maxTotalWait}.
 *
 * @param maxAttempts    attempts in all, the first included; 1 disables retries
 * @param maxTotalWait   the longest the retries of one call may wait, added up
 * @param initialBackoff the backoff before the second attempt when the service gave no Retry-After
 * @param maxBackoff     the longest single backoff
 */
public record RetryPolicy(int maxAttempts, Duration maxTotalWait, Duration initialBackoff, Duration maxBackoff) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(4, Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(8));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 (1 means no retries), got " + maxAttempts);
        }
        if (maxTotalWait.isNegative() || initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("retry durations must not be negative");
        }
    }

    /**
     * The wait before the next attempt, or empty to give up.
     *
     * @param attemptsMade attempts so far (1 after the first refusal)
     * @param waitedSoFar  what the earlier retries of this call waited
     * @param retryAfter   the service's Retry-After, when it gave one
     * @param random       uniform in [0, 1): the jitter
     */
    public Optional<Duration> delay(int attemptsMade, Duration waitedSoFar, Optional<Duration> retryAfter,
                                    DoubleSupplier random) {
        if (attemptsMade >= maxAttempts) {
            return Optional.empty();
        }
        Duration delay = retryAfter.orElseGet(() -> backoff(attemptsMade, random.getAsDouble()));
        if (waitedSoFar.plus(delay).compareTo(maxTotalWait) > 0) {
            return Optional.empty(); // waiting would only end in the same failure, later
        }
        return Optional.of(delay);
    }

    /** Half the exponential step plus a random share of the other half ("equal jitter"). */
    private Duration backoff(int attemptsMade, double random) {
        long step = initialBackoff.toMillis() << Math.min(attemptsMade - 1, 30);
        long capped = Math.min(Math.max(step, 0), maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + (long) (random * (capped - capped / 2)));
    }
}
