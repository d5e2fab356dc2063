package org.openmaas.engine.remote;

import java.util.List;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.ToolCall;

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
     * @param toolCalls       the calls the reply made, from an upstream that reads them itself
     */
    void finished(FinishReason reason, int promptTokens, int generatedTokens, List<ToolCall> toolCalls);

    /** The attempt ended normally, its calls (if any) in its text. */
    default void finished(FinishReason reason, int promptTokens, int generatedTokens) {
        finished(reason, promptTokens, generatedTokens, List.of());
    }

    /** The attempt failed; {@code failure} says whether another endpoint may help. */
    void failed(UpstreamFailure failure);
}
