package org.openmaas.accounts.model;

import java.util.Locale;

/** What a usage record counts, and so which of its tokens the quota and the rate window charge. */
public enum UsageKind {
    /** Text generation: the generated tokens are charged. */
    GENERATION,
    /** Embeddings: nothing is generated; the input tokens are charged. */
    EMBEDDINGS;

    /** As the store and the admin API write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UsageKind of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** The tokens a settled request is charged for. */
    public int charged(int promptTokens, int generatedTokens) {
        return this == EMBEDDINGS ? promptTokens : generatedTokens;
    }
}
