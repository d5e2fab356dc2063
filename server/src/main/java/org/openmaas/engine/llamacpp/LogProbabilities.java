package org.openmaas.engine.llamacpp;

/**
 * The log-softmax of one row of raw logits: what a token's {@code logprob} and the top alternatives are computed
 * from. Pure Java over a plain array, so the engine copies each row out of llama.cpp once.
 *
 * <p>The normalizer is an exp over the whole vocabulary for every token of every sequence, on the engine thread
 * between two decodes: with {@code Math.exp} that cost 8-26 ns a logit (1-3 ms a token for Llama 3's 128 256), in
 * SIMD lanes about 1 ns. So it runs on the Vector API when the JVM has it ({@code --add-modules
 * jdk.incubator.vector}, as {@code ./maas} starts it) and the CPU has 256-bit vectors, else scalar.
 */
final class LogProbabilities {

    static final boolean VECTORIZED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && VectorLogNormalizer.worthwhile();

    private LogProbabilities() {
    }

    /**
     * {@code log(sum(exp(logits)))} over the first {@code n} entries, computed around the maximum so no exp overflows;
     * a token's logprob is its logit minus this, which is never above 0. Accurate to float precision (the logprob the
     * wire carries is a float).
     */
    static double logNormalizer(float[] logits, int n) {
        return VECTORIZED ? VectorLogNormalizer.logNormalizer(logits, n) : scalarLogNormalizer(logits, n);
    }

    /**
     * {@link #logNormalizer} with {@code Math.exp} and {@code Math.log}, whose results are the same in every JIT tier:
     * the same logits always give the same bits.
     */
    static double scalarLogNormalizer(float[] logits, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp((double) logits[i] - max);
        }
        return max + Math.log(sum);
    }

    /**
     * The id of the largest of the first {@code n} logits, the lowest id among equals: what llama.cpp's greedy sampler
     * picks, by the same comparison (NaN included).
     */
    static int argmax(float[] logits, int n) {
        int best = 0;
        float largest = logits[0];
        for (int id = 1; id < n; id++) {
            if (logits[id] > largest) {
                best = id;
                largest = logits[id];
            }
        }
        return best;
    }

    /**
     * The ids of the {@code k} largest logits, largest first; equal logits keep the lower id first, as llama.cpp's
     * greedy sampler does, so a greedy token is always the first alternative.
     */
    static int[] topIds(float[] logits, int n, int k) {
        int size = Math.min(k, n);
        int[] ids = new int[size];
        if (size == 0) {
            return ids;
        }
        int filled = 0;
        for (int id = 0; id < n; id++) {
            float logit = logits[id];
            if (filled == size && !(logit > logits[ids[size - 1]])) {
                continue;
            }
            // Insertion into the small sorted prefix: strict comparison keeps earlier (lower) ids ahead of equals.
            int at = filled < size ? filled++ : size - 1;
            while (at > 0 && logit > logits[ids[at - 1]]) {
                ids[at] = ids[at - 1];
                at--;
            }
            ids[at] = id;
        }
        return ids;
    }
}
