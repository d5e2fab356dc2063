package org.openmaas.engine;

import java.util.List;

/**
 * Serves one model: tokenizes prompts and runs generations on its own scheduler.
 *
 * <p>Implementations know nothing of HTTP. Callers hand in a fully validated {@link GenerationRequest} and drain
 * the returned {@link Generation}; {@link Generation#cancel()} frees the sequence at the engine's next step.
 */
public interface Engine extends AutoCloseable {

    ModelInfo model();

    /** Token ids of {@code text}, with the model's BOS when its vocabulary asks for one. */
    int[] tokenize(String text, boolean parseSpecial);

    /**
     * Renders {@code messages} with the model's chat template (or the template configured for the product).
     *
     * @throws IllegalStateException when there is no chat template for this model
     */
    String applyChatTemplate(List<ChatMessage> messages, boolean addAssistantPrompt);

    /**
     * The prompt tokens of a conversation the model is to continue as the assistant: {@code messages} rendered with
     * the chat template, then tokenized with the template's control tokens recognised as such.
     *
     * @throws IllegalStateException when there is no chat template for this model
     */
    default int[] tokenizeChat(List<ChatMessage> messages) {
        return tokenize(applyChatTemplate(messages, true), true);
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

    @Override
    void close();
}
