package org.openmaas.store;

/**
 * A client's rate limits; null means unlimited.
 *
 * @param requestsPerMinute        generation requests admitted per minute
 * @param generatedTokensPerMinute tokens reserved (max_new_tokens, corrected to the actual count at the end) per minute
 * @param concurrentStreams        generations running at once
 */
public record ClientLimits(Integer requestsPerMinute, Integer generatedTokensPerMinute, Integer concurrentStreams) {

    public static final ClientLimits NONE = new ClientLimits(null, null, null);

    public ClientLimits {
        positive("requests_per_minute", requestsPerMinute);
        positive("generated_tokens_per_minute", generatedTokensPerMinute);
        positive("concurrent_streams", concurrentStreams);
    }

    private static void positive(String name, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 (or null for unlimited), got " + value);
        }
    }
}
