package org.openmaas.engine;

import java.util.Map;

/**
 * How to choose each next token; every default already resolved by validation.
 *
 * <p>When {@code sample} is false the engine picks the most likely token after penalties (greedy) and the warpers
 * and seed are unused. Neutral values: temperature 1, topK 0, topP 1, typicalP 1, repetitionPenalty 1,
 * frequencyPenalty 0.
 *
 * @param seed      the full 64-bit seed (an unsigned value carried in a long), reported back so a request can be replayed
 * @param logitBias added to the logits of these token ids before anything else (OpenAI's {@code logit_bias}): -100 to
 *                  100, where -100 bans the token outright and 100 all but forces it
 */
public record Sampling(
        boolean sample,
        float temperature,
        int topK,
        float topP,
        float typicalP,
        float repetitionPenalty,
        float frequencyPenalty,
        float presencePenalty,
        long seed,
        Map<Integer, Float> logitBias) {

    /** The bias that bans a token: an engine applies it as negative infinity, as OpenAI documents. */
    public static final float BAN = -100f;
    public static final float MAX_BIAS = 100f;

    public Sampling {
        if (sample && !(temperature > 0)) throw new IllegalArgumentException("sampling needs temperature > 0: " + temperature);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0: " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1]: " + topP);
        if (!(typicalP > 0 && typicalP <= 1)) throw new IllegalArgumentException("typicalP must be in (0, 1]: " + typicalP);
        if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetitionPenalty must be > 0: " + repetitionPenalty);
        if (!Float.isFinite(frequencyPenalty)) throw new IllegalArgumentException("frequencyPenalty must be finite");
        if (!Float.isFinite(presencePenalty)) throw new IllegalArgumentException("presencePenalty must be finite");
        logitBias = Map.copyOf(logitBias);
        logitBias.values().forEach(bias -> {
            if (!(bias >= BAN && bias <= MAX_BIAS)) throw new IllegalArgumentException("a logit bias must be in [-100, 100]: " + bias);
        });
    }

    /** Without logit biases. */
    public Sampling(boolean sample, float temperature, int topK, float topP, float typicalP, float repetitionPenalty,
                    float frequencyPenalty, float presencePenalty, long seed) {
        this(sample, temperature, topK, topP, typicalP, repetitionPenalty, frequencyPenalty, presencePenalty, seed,
                Map.of());
    }

    /** Without a presence penalty (TGI has none). */
    public Sampling(boolean sample, float temperature, int topK, float topP, float typicalP, float repetitionPenalty,
                    float frequencyPenalty, long seed) {
        this(sample, temperature, topK, topP, typicalP, repetitionPenalty, frequencyPenalty, 0f, seed);
    }

    /** The same sampling from another seed. */
    public Sampling withSeed(long seed) {
        return new Sampling(sample, temperature, topK, topP, typicalP, repetitionPenalty, frequencyPenalty,
                presencePenalty, seed, logitBias);
    }

    /** Most likely token at every step, no penalties. */
    public static Sampling greedy() {
        return new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, 0L);
    }

    /** The seed as the decimal string the wire carries (an unsigned 64-bit value). */
    public String seedText() {
        return Long.toUnsignedString(seed);
    }

    /**
     * The 32-bit seed llama.cpp's sampler takes (embedded and in llama-server), derived from the 64-bit seed: the
     * SplitMix64 finalizer spreads every input bit over the result, then its two halves are XORed, so seeds that differ
     * in either half give different streams. 0xFFFFFFFF is LLAMA_DEFAULT_SEED, which would make llama.cpp draw a random seed, so it
     * becomes 0xFFFFFFFE: replay must always be exact.
     */
    public int seed32() {
        long z = seed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        int folded = (int) (z >>> 32) ^ (int) z;
        return folded == -1 ? -2 : folded;
    }
}
