package org.openmaas.engine.llamacpp;

/**
 * The log-softmax of one row of raw logits: what a token's {@code logprob} and the top alternatives are computed
 * from. Pure Java over a plain array, so the engine copies each row out of llama.cpp once.
 */
final class LogProbabilities {

    private LogProbabilities() {
    }

    /**
     * {@code log(sum(exp(logits)))} over the first {@code n} entries, computed around the maximum so no exp overflows;
     * a token's logprob is its logit minus this, which is never above 0.
     */
    static double logNormalizer(float[] logits, int n) {
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
