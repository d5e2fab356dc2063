package org.openmaas.client;

/** Why a generation ended. */
public enum FinishReason {
    /** It generated {@code max_new_tokens} tokens. */
    LENGTH,
    /** The model produced its end-of-sequence token. */
    EOS_TOKEN,
    /** The text ended with one of the request's stop sequences. */
    STOP_SEQUENCE,
    /**
     * A reason this version of the SDK does not know (a newer service); see {@link
     * GenerationDetails#finishReasonName()}.
     */
    UNRECOGNIZED;

    private static final String PREFIX = "FINISH_REASON_";

    /** The reason as the wire writes it, e.g. {@code FINISH_REASON_LENGTH}, for a name this SDK knows. */
    public String wireName() {
        return PREFIX + name();
    }

    /** The reason named on the wire ({@code FINISH_REASON_LENGTH}, or TGI's plain {@code length}). */
    public static FinishReason fromWire(String name) {
        if (name == null) {
            return UNRECOGNIZED;
        }
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        String bare = upper.startsWith(PREFIX) ? upper.substring(PREFIX.length()) : upper;
        for (FinishReason reason : values()) {
            if (reason != UNRECOGNIZED && reason.name().equals(bare)) {
                return reason;
            }
        }
        return UNRECOGNIZED;
    }
}
