package org.openmaas.engine;

/**
 * What the engine reports about its loaded model.
 *
 * @param name          the GGUF's {@code general.name}, or null when it has none
 * @param contextLength tokens one sequence may hold (prompt plus generated)
 * @param vocabSize     number of tokens in the vocabulary
 * @param hasChatTemplate whether the engine can continue a conversation: its {@link Tokenizer} renders messages, or
 *                        the engine takes them as a {@link Prompt.Chat}
 */
public record ModelInfo(String name, int contextLength, int vocabSize, boolean hasChatTemplate) {
    public ModelInfo {
        if (contextLength <= 0) throw new IllegalArgumentException("contextLength must be positive: " + contextLength);
        if (vocabSize <= 0) throw new IllegalArgumentException("vocabSize must be positive: " + vocabSize);
    }
}
