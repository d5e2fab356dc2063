package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.openmaas.engine.Sampling;

/**
 * One sequence's llama.cpp sampler chain, built from its {@link Sampling}: logit biases when there are some, penalties
 * when they are not neutral, then greedy, or the warpers that are active (temperature, top-k, top-p, typical, in TGI's order) and a seeded draw.
 *
 * <p>Used by the engine thread only. Not thread-safe.
 */
final class SamplerChain implements AutoCloseable {

    private static final long MIN_KEEP = 1; // top-p and typical always keep at least one token, as TGI does

    private final MemorySegment chain;  // llama_sampler * (a chain): owned, freed by close() with every sampler in it
    private final boolean penalized;
    private boolean closed;

    private SamplerChain(MemorySegment chain, boolean penalized) {
        this.chain = chain;
        this.penalized = penalized;
    }

    /**
     * @param vocabSize     tokens in the model's vocabulary
     * @param penaltyWindow how many recent tokens the penalties look at (the sequence's whole context)
     */
    static SamplerChain create(Sampling sampling, int vocabSize, int penaltyWindow) {
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
        boolean penalized = sampling.repetitionPenalty() != 1f || sampling.frequencyPenalty() != 0f
                || sampling.presencePenalty() != 0f;
        if (penalized) {
            // TGI's repetition_penalty is multiplicative, its (and OpenAI's) frequency_penalty additive by count and
            // OpenAI's presence_penalty additive once a token has occurred, like these three arguments.
            SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_PENALTIES.call(vocabSize, penaltyWindow,
                    sampling.repetitionPenalty(), sampling.frequencyPenalty(), sampling.presencePenalty()));
        }
        if (!sampling.sample()) {
            SamplerBindings.CHAIN_ADD.call(chain, SamplerBindings.INIT_GREEDY.call());
            return new SamplerChain(chain, penalized);
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
        return new SamplerChain(chain, penalized);
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

    /** Shows the prompt to the penalties, so repeating prompt text is penalized too, as TGI does. */
    void acceptPrompt(int[] promptTokens) {
        if (!penalized) {
            return; // greedy, top-k and the rest keep no history
        }
        for (int token : promptTokens) {
            SamplerBindings.ACCEPT.call(chain, token);
        }
    }

    /** Picks the next token from the logits of batch entry {@code batchIndex}; the chain remembers it. */
    int sample(MemorySegment context, int batchIndex) {
        return SamplerBindings.SAMPLE.call(chain, context, batchIndex);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            SamplerBindings.FREE.call(chain);
        }
    }
}
