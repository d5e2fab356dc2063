package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.openmaas.engine.Sampling;

/**
 * One sequence's llama.cpp sampler chain, built from its {@link Sampling}: logit biases when there are some, penalties
 * when they are not neutral, then
 * greedy, or the warpers that are active (temperature, top-k, top-p, typical, in TGI's order) and a seeded draw. A
 * constrained sequence's {@link GrammarSampler} masks the logits before all of them, so greedy stays greedy and a draw
 * stays seeded among the tokens the grammar allows.
 *
 * <p>Plain greedy (no bias, penalty or grammar) has no native chain: {@link LogProbabilities.Summary#argmax} is what
 * llama.cpp's greedy sampler would pick, found by the pass the emitter makes over the row anyway, where
 * {@code llama_sampler_sample} would first fill a candidate array of the whole vocabulary (12 bytes a token) for every
 * token of every sequence.
 *
 * <p>Used by the engine thread only. Not thread-safe.
 */
final class SamplerChain implements AutoCloseable {

    private static final long MIN_KEEP = 1; // top-p and typical always keep at least one token, as TGI does

    private final MemorySegment chain;  // llama_sampler * (a chain): owned, freed by close() with every sampler in it;
                                        // NULL for plain greedy, picked in Java
    private final MemorySegment penalties; // llama_sampler * inside `chain` (owned by it), or NULL when not penalized
    private final GrammarSampler grammar;  // owned, closed with the chain; null for an unconstrained sequence
    private boolean closed;

    private SamplerChain(MemorySegment chain, MemorySegment penalties, GrammarSampler grammar) {
        this.chain = chain;
        this.penalties = penalties;
        this.grammar = grammar;
    }

    /**
     * @param vocabSize     tokens in the model's vocabulary
     * @param penaltyWindow how many recent tokens the penalties look at (the sequence's whole context)
     * @param grammar       the sequence's grammar (the chain takes it over), or null
     */
    static SamplerChain create(Sampling sampling, int vocabSize, int penaltyWindow, GrammarSampler grammar) {
        boolean penalized = sampling.repetitionPenalty() != 1f || sampling.frequencyPenalty() != 0f
                || sampling.presencePenalty() != 0f;
        if (!sampling.sample() && sampling.logitBias().isEmpty() && !penalized && grammar == null) {
            return new SamplerChain(MemorySegment.NULL, MemorySegment.NULL, null);
        }
        MemorySegment chain;
        try (Arena arena = Arena.ofConfined()) { // the by-value params struct: only needed during the call
            MemorySegment params = SamplerBindings.CHAIN_DEFAULT_PARAMS.call(arena);
            params.set(JAVA_BOOLEAN, SamplerBindings.CHAIN_PARAMS_NO_PERF, true);
            chain = SamplerBindings.CHAIN_INIT.call(params);
        }
        if (!sampling.logitBias().isEmpty()) {
            // First, as llama-server does: the penalties and warpers see the biased logits.
            SamplerBindings.CHAIN_ADD.call(chain, logitBias(sampling.logitBias(), vocabSize));
        }
        MemorySegment penalties = MemorySegment.NULL;
        if (penalized) {
            // TGI's repetition_penalty is multiplicative, its (and OpenAI's) frequency_penalty additive by count and
            // OpenAI's presence_penalty additive once a token has occurred, like these three arguments.
            penalties = SamplerBindings.INIT_PENALTIES.call(vocabSize, penaltyWindow, sampling.repetitionPenalty(),
                    sampling.frequencyPenalty(), sampling.presencePenalty());
            SamplerBindings.CHAIN_ADD.call(chain, penalties);
        }
        if (!sampling.sample()) {
            SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_GREEDY.call());
            return new SamplerChain(chain, penalties, grammar);
        }
        // TGI's warper order, so its clients get the distribution they expect: temperature first, then top-k, top-p
        // and typical-p on the tempered distribution.
        if (sampling.temperature() != 1f) {
            SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_TEMP.call(sampling.temperature()));
        }
        if (sampling.topK() > 0) {
            SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_TOP_K.call(sampling.topK()));
        }
        if (sampling.topP() < 1f) {
            SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_TOP_P.call(sampling.topP(), MIN_KEEP));
        }
        if (sampling.typicalP() < 1f) {
            SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_TYPICAL.call(sampling.typicalP(), MIN_KEEP));
        }
        SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_DIST.call(sampling.seed32()));
        return new SamplerChain(chain, penalties, grammar);
    }

    /** A logit-bias sampler; {@link Sampling#BAN} becomes negative infinity, so a banned token is never drawn. */
    private static MemorySegment logitBias(Map<Integer, Float> biases, int vocabSize) {
        try (Arena arena = Arena.ofConfined()) { // the array: llama.cpp copies it during the call
            MemorySegment array = arena.allocate(SamplerBindings.LOGIT_BIAS, biases.size());
            int i = 0;
            for (Map.Entry<Integer, Float> bias : biases.entrySet()) {
                MemorySegment entry = array.asSlice(i++ * SamplerBindings.LOGIT_BIAS.byteSize(),
                        SamplerBindings.LOGIT_BIAS);
                entry.set(JAVA_INT, SamplerBindings.LOGIT_BIAS_TOKEN, bias.getKey());
                entry.set(JAVA_FLOAT, SamplerBindings.LOGIT_BIAS_BIAS,
                        bias.getValue() <= Sampling.BAN ? Float.NEGATIVE_INFINITY : bias.getValue());
            }
            return SamplerBindings.INIT_LOGIT_BIAS.call(vocabSize, biases.size(), array);
        }
    }

    /**
     * Shows the prompt to the penalties, so repeating prompt text is penalized too, as TGI does. Only to them: the
     * grammar constrains what is generated, and greedy, top-k and the rest keep no history.
     */
    void acceptPrompt(int[] promptTokens) {
        if (penalties.equals(MemorySegment.NULL)) {
            return;
        }
        for (int token : promptTokens) {
            SamplerBindings.ACCEPT.call(penalties, token);
        }
    }

    /**
     * Picks the next token from the logits of batch entry {@code batchIndex}; the chain (and grammar) remember it.
     *
     * @param row    (vocab) the same row, where the context holds it: what a grammar masks a copy of
     * @param argmax the row's largest logit's id: what plain greedy picks
     * @return the token, or -1 when the sequence's grammar allows no token of the vocabulary here
     */
    int sample(MemorySegment context, int batchIndex, MemorySegment row, int argmax) {
        if (grammar != null) {
            return grammar.sample(row, this);
        }
        if (chain.equals(MemorySegment.NULL)) {
            return argmax;
        }
        return SamplerBindings.SAMPLE.call(chain, context, batchIndex);
    }

    /** Applies the chain to candidates a grammar masked and accepts the token it selects. */
    int pick(MemorySegment candidates) {
        SamplerBindings.APPLY.call(chain, candidates);
        long selected = candidates.get(JAVA_LONG, SamplerBindings.ARRAY_SELECTED);
        // A sampler may point `data` elsewhere (llama.h says so): read the selected entry through the struct.
        MemorySegment data = candidates.get(ADDRESS, SamplerBindings.ARRAY_DATA)
                .reinterpret((selected + 1) * SamplerBindings.TOKEN_DATA.byteSize());
        int token = data.get(JAVA_INT, selected * SamplerBindings.TOKEN_DATA.byteSize() + SamplerBindings.TOKEN_DATA_ID);
        SamplerBindings.ACCEPT.call(chain, token);
        return token;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!chain.equals(MemorySegment.NULL)) {
                SamplerBindings.FREE.call(chain);
            }
            if (grammar != null) {
                grammar.close();
            }
        }
    }
}
