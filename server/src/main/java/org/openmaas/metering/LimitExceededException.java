package org.openmaas.metering;

/** A request refused by a limit for now: {@link #retryAfterSeconds()} says when it may succeed. */
public final class LimitExceededException extends RuntimeException {

    private final String limit;
    private final long retryAfterSeconds;

    LimitExceededException(String limit, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.limit = limit;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** The limit's name: requests_per_minute, generated_tokens_per_minute, concurrent_streams, monthly_generated_tokens. */
    public String limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
