package org.openmaas.engine;

import java.util.List;
import java.util.Optional;

/**
 * Serves one model: runs generations on its own scheduler, here (llama.cpp) or on a server elsewhere.
 *
 * <p>Implementations know nothing of HTTP. Callers hand in a fully validated {@link GenerationRequest} and drain
 * the returned {@link Generation}; {@link Generation#cancel()} frees the sequence at the engine's next step.
 */
public interface Engine extends AutoCloseable {

    ModelInfo model();

    /**
     * The model's tokenizer, when it runs on this machine: then validation counts, checks and truncates prompts and
     * hands this engine {@link Prompt.Tokens} only. Empty for an engine that tokenizes elsewhere; it gets
     * {@link Prompt.Text} or {@link Prompt.Chat} and reports the count in {@link GenerationEvent.Finished}.
     */
    Optional<Tokenizer> tokenizer();

    /**
     * Refuses, before admission, a parameter this engine cannot honour; validation calls it for every request.
     *
     * @throws UnsupportedParameterException naming the parameter
     */
    default void requireSupported(GenerationRequest request) {
    }

    /**
     * Queues a generation; the engine's own thread runs it.
     *
     * @throws EngineOverloadedException when the engine's wait queue is full
     * @throws EngineClosedException when the engine is shutting down
     */
    Generation submit(GenerationRequest request);

    /** Sequences being decoded plus those waiting for a slot. */
    EngineLoad load();

    /** Cumulative counts since the engine started; {@link EngineStats#NONE} for an engine that keeps none. */
    default EngineStats stats() {
        return EngineStats.NONE;
    }

    /**
     * What turns texts into vectors, when this engine serves an embedding model (a product marked {@code embeddings})
     * instead of generating; empty for an engine that generates.
     */
    default Optional<Embedder> embedder() {
        return Optional.empty();
    }

    /**
     * How this engine serves the tools of {@code chat}; validation asks it for every request that declares some. An
     * engine with a tokenizer here renders them with the chat template that tokenizer picks for the conversation (an
     * empty text when it tells none, which is of no family); one without says how its upstream takes them, and by
     * default takes none.
     */
    default ToolCalling toolCalling(Prompt.Chat chat) {
        return tokenizer().<ToolCalling>map(t -> new ToolCalling.Template(t.chatTemplate(chat).orElse("")))
                .orElseGet(() -> new ToolCalling.Refused("is served by an engine elsewhere that takes no tools", true));
    }

    /**
     * Whether {@link GenerationEvent.Finished} carries the generation's last token (see {@link GenerationEvent}): true
     * for an engine that knows a token is the last as it generates it.
     */
    default boolean lastTokenInFinished() {
        return true;
    }

    /** The servers this engine sends generations to, for health and metrics; none for an engine in this process. */
    default List<EndpointStatus> endpoints() {
        return List.of();
    }

    @Override
    void close();
}
