package org.openmaas.engine;

import java.util.List;

/**
 * Turns texts, already tokenized by the engine's {@link Tokenizer}, into vectors: the capability of an engine serving
 * an embedding model ({@link Engine#embedder()}). Knows nothing of HTTP.
 */
public interface Embedder {

    /** The length of every vector. */
    int dimensions();

    /** The most tokens one input may have: all of an input is pooled in one pass. */
    int maxInputTokens();

    /**
     * One vector per input, in order, each of unit Euclidean length; waits for the engine's thread to compute them.
     *
     * @param inputs token ids, each non-empty and at most {@link #maxInputTokens()} long (validation checks both)
     * @throws EngineOverloadedException when the engine's wait queue is full
     * @throws EngineClosedException     when the engine is shutting down
     * @throws InterruptedException      when the waiting thread is interrupted; the work is dropped
     */
    List<float[]> embed(List<int[]> inputs) throws InterruptedException;
}
