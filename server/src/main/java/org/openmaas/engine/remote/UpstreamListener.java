package org.openmaas.engine.remote;

import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;

/** Hears one attempt, on the attempt's own thread: tokens in order, then one ending. */
public interface UpstreamListener {

    /** One generated token with the alternatives the request asked for. */
    void token(GenerationEvent.TokenGenerated token);

    /**
     * The attempt ended normally.
     *
     * @param promptTokens    the prompt's tokens as the upstream counted them (for a continuation: as it counted its
     *                        own prompt, which includes the tokens resent)
     * @param generatedTokens tokens this attempt generated, as the upstream counted them
     */
    void finished(FinishReason reason, int promptTokens, int generatedTokens);

    /** The attempt failed; {@code failure} says whether another endpoint may help. */
    void failed(UpstreamFailure failure);
}
