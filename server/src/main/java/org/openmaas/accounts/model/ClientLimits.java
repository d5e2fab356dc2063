package org.openmaas.accounts.model;

/**
 * A client's rate limits; null means unlimited.
 *
 * @param requestsPerMinute        generation requests admitted per minute
 * @param generatedTokensPerMinute tokens reserved (max_new_tokens, corrected to the actual count at the end) per minute
 * @param concurrentStreams        generations running at once
 */
public record ClientLimits(Integer requestsPerMinute, Integer generatedTokensPerMinute, Integer concurrentStreams) {

    public static final ClientLimits NONE = new ClientLimits(null, null, null);
    public static final int MAX = 1_000_000_000;

    /** @throws AccountsException.Invalid naming the first limit out of range */
    public ClientLimits {
        inRange("requests_per_minute", requestsPerMinute);
        inRange("generated_tokens_per_minute", generatedTokensPerMinute);
        inRange("concurrent_streams", concurrentStreams);
    }

    private static void inRange(String name, Integer value) {
        if (value != null && (value < 1 || value > MAX)) {
            throw new AccountsException.Invalid(name + " must be between 1 and " + MAX
                    + " (or null for unlimited), got " + value);
        }
    }
}
