package org.openmaas.metering;

import org.openmaas.accounts.model.UsageKind;

/**
 * What one request asks of its client's limits and its account's quota when it is admitted.
 *
 * @param promptTokens   the prompt's (or the inputs') tokens: exact, or an upper bound for text only the engine counts
 * @param reservedTokens held against the rate window and the month's quota until the request settles
 * @param sequences      streams it counts against concurrent_streams
 */
public record Claim(UsageKind kind, int promptTokens, int reservedTokens, int sequences) {

    public Claim {
        if (sequences < 1) throw new IllegalArgumentException("sequences must be >= 1: " + sequences);
    }

    /** {@code sequences} generations of at most {@code maxNewTokens} each, from one prompt (OpenAI's {@code n}). */
    public static Claim generation(int promptTokens, int maxNewTokens, int sequences) {
        return new Claim(UsageKind.GENERATION, promptTokens, Math.multiplyExact(maxNewTokens, sequences), sequences);
    }

    /** Embeddings of inputs of {@code inputTokens} in all: those are what is charged, so they are reserved. */
    public static Claim embeddings(int inputTokens) {
        return new Claim(UsageKind.EMBEDDINGS, inputTokens, inputTokens, 1);
    }

    /** The reservation in the request's own terms, for refusals: "max_new_tokens 100", "its 12 input tokens". */
    String described() {
        if (kind == UsageKind.EMBEDDINGS) {
            return reservedTokens + " input tokens";
        }
        return sequences == 1 ? "max_new_tokens " + reservedTokens
                : "max_new_tokens " + reservedTokens / sequences + " for each of " + sequences + " choices ("
                + reservedTokens + ")";
    }
}
