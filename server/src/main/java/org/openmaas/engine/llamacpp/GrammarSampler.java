package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One constrained sequence's llama.cpp grammar sampler, and the candidate array it masks before the sequence's
 * {@link SamplerChain} picks from what is left.
 *
 * <p>Not simply the first sampler of the chain, because {@code llama_sampler_sample} accepts whatever the chain picks
 * into the grammar, and llama.cpp aborts the process (a C++ exception through the C API) when that token leaves the
 * grammar, which happens when the grammar allows no token of this vocabulary at all: here the mask is checked first.
 *
 * <p>Owned and used by the engine thread only; closed with its chain.
 */
final class GrammarSampler implements AutoCloseable {

    private final MemorySegment sampler;    // llama_sampler * (grammar): owned, freed by close()
    private final Arena arena;              // confined to the engine thread: the two segments below; closed by close()
    private final MemorySegment candidates; // (vocab) llama_token_data, refilled from each row of logits
    private final MemorySegment array;      // llama_token_data_array over `candidates`, passed to the samplers
    private final int vocabSize;
    private boolean closed;

    private GrammarSampler(MemorySegment sampler, int vocabSize) {
        this.sampler = sampler;
        this.vocabSize = vocabSize;
        this.arena = Arena.ofConfined();
        this.candidates = arena.allocate(SamplerBindings.TOKEN_DATA, vocabSize);
        this.array = arena.allocate(SamplerBindings.TOKEN_DATA_ARRAY);
    }

    /**
     * @throws IllegalArgumentException when llama.cpp rejects the grammar (validation checks that first, with
     *                                  {@link LlamaModel#acceptsGrammar})
     */
    static GrammarSampler create(LlamaModel model, String grammar) {
        MemorySegment sampler = model.grammarSampler(grammar);
        if (sampler.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("llama.cpp rejected the grammar");
        }
        return new GrammarSampler(sampler, model.vocabSize());
    }

    /**
     * The next token: the grammar masks the row's logits, the chain picks among the tokens left, and both remember
     * the token.
     *
     * @param logits (vocab) the sequence's row of logits
     * @return the token, or -1 when the grammar allows no token here (then nothing was accepted)
     */
    int sample(float[] logits, SamplerChain chain) {
        long size = SamplerBindings.TOKEN_DATA.byteSize();
        boolean any = false;
        for (int id = 0; id < vocabSize; id++) {
            long at = id * size;
            candidates.set(JAVA_INT, at + SamplerBindings.TOKEN_DATA_ID, id);
            candidates.set(JAVA_FLOAT, at + SamplerBindings.TOKEN_DATA_LOGIT, logits[id]);
            candidates.set(JAVA_FLOAT, at + SamplerBindings.TOKEN_DATA_P, 0f);
        }
        array.set(ADDRESS, SamplerBindings.ARRAY_DATA, candidates);
        array.set(JAVA_LONG, SamplerBindings.ARRAY_SIZE, vocabSize);
        array.set(JAVA_LONG, SamplerBindings.ARRAY_SELECTED, -1L);
        array.set(JAVA_BOOLEAN, SamplerBindings.ARRAY_SORTED, false);
        SamplerBindings.APPLY.call(sampler, array);
        for (int id = 0; id < vocabSize && !any; id++) {
            any = candidates.get(JAVA_FLOAT, id * size + SamplerBindings.TOKEN_DATA_LOGIT) != Float.NEGATIVE_INFINITY;
        }
        if (!any) {
            return -1;
        }
        int token = chain.pick(array);
        SamplerBindings.ACCEPT.call(sampler, token);
        return token;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            SamplerBindings.FREE.call(sampler);
            arena.close();
        }
    }
}
