package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The log-softmax of one row of raw logits: what a token's {@code logprob} and the top alternatives are computed
 * from, with the row's argmax (what greedy picks). Reads the row where llama.cpp left it: nothing copies it out.
 *
 * <p>The normalizer is an exp over the whole vocabulary for every token of every sequence, on the engine thread
 * between two decodes: with {@code Math.exp} that cost 8-26 ns a logit (1-3 ms a token for Llama 3's 128 256), in
 * SIMD lanes about 1 ns. So it runs on the Vector API when the JVM has it ({@code --add-modules
 * jdk.incubator.vector}, as {@code ./maas} starts it) and the CPU has 256-bit vectors, else scalar.
 */
final class LogProbabilities {

    static final boolean VECTORIZED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && VectorLogitsPass.worthwhile();

    private LogProbabilities() {
    }

    /**
     * What a pass over a row finds.
     *
     * @param logNormalizer {@code log(sum(exp(logits)))}, computed around the maximum so no exp overflows; a token's
     *                      logprob is its logit minus this, which is never above 0. Accurate to float precision (the
     *                      logprob the wire carries is a float); NaN when a logit is NaN
     * @param argmax        the id of the largest logit, the lowest id among equals: what llama.cpp's greedy sampler
     *                      picks, by the same comparison (so a NaN is never picked, unless at id 0, which then is)
     */
    record Summary(double logNormalizer, int argmax) {
    }

    /** The summary of the first {@code n} logits of {@code row} (floats), in SIMD lanes where that is worthwhile. */
    static Summary summarize(MemorySegment row, int n) {
        return VECTORIZED ? VectorLogitsPass.summarize(row, n) : scalarSummarize(row, n);
    }

    /**
     * The argmax alone, for a token whose logprob nobody asked for: a comparison a logit, no exp over the vocabulary.
     * The summary's normalizer is NaN, so every logprob computed from it is NaN, the engine's "not computed".
     */
    static Summary argmaxOnly(MemorySegment row, int n) {
        return new Summary(Double.NaN, VECTORIZED ? VectorLogitsPass.argmax(row, n) : scalarArgmax(row, n));
    }

    /**
     * {@link #summarize} with {@code Math.exp} and {@code Math.log}, whose results are the same in every JIT tier: the
     * same logits always give the same bits.
     */
    static Summary scalarSummarize(MemorySegment row, int n) {
        int argmax = scalarArgmax(row, n);
        // The largest logit, or NaN where greedy stood on one at id 0: either way a NaN anywhere makes the sum NaN.
        float max = row.getAtIndex(JAVA_FLOAT, argmax);
        double sum = 0;
        for (int id = 0; id < n; id++) {
            sum += Math.exp((double) row.getAtIndex(JAVA_FLOAT, id) - max);
        }
        return new Summary(max + Math.log(sum), argmax);
    }

    /** Greedy's pick among the first {@code n} logits, one at a time. */
    static int scalarArgmax(MemorySegment row, int n) {
        int argmax = 0;
        float largest = row.getAtIndex(JAVA_FLOAT, 0); // a NaN never compares larger
        for (int id = 1; id < n; id++) {
            float logit = row.getAtIndex(JAVA_FLOAT, id);
            if (logit > largest) {
                argmax = id;
                largest = logit;
            }
        }
        return argmax;
    }

    /**
     * The ids of the {@code k} largest of the first {@code n} logits of {@code row}, largest first; equal logits keep
     * the lower id first, as llama.cpp's greedy sampler does, so a greedy token is always the first alternative.
     */
    static int[] topIds(MemorySegment row, int n, int k) {
        int size = Math.min(k, n);
        int[] ids = new int[size];
        if (size == 0) {
            return ids;
        }
        float[] top = new float[size]; // the logits of `ids`
        int filled = 0;
        for (int id = 0; id < n; id++) {
            float logit = row.getAtIndex(JAVA_FLOAT, id);
            if (filled == size && !(logit > top[size - 1])) {
                continue;
            }
            // Insertion into the small sorted prefix: strict comparison keeps earlier (lower) ids ahead of equals.
            int at = filled < size ? filled++ : size - 1;
            while (at > 0 && logit > top[at - 1]) {
                ids[at] = ids[at - 1];
                top[at] = top[at - 1];
                at--;
            }
            ids[at] = id;
            top[at] = logit;
        }
        return ids;
    }
}
