package org.openmaas.engine;

/** Why a generation ended normally. */
public enum FinishReason {
    /** {@code maxNewTokens} were generated. */
    LENGTH,
    /** The model produced an end-of-generation token. */
    EOS_TOKEN,
    /** The generated text ended with one of the request's stop sequences. */
    STOP_SEQUENCE
}
