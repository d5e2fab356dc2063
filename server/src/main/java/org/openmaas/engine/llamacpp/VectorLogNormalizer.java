package org.openmaas.engine.llamacpp;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LogProbabilities#logNormalizer} in SIMD lanes. Loaded only when the JVM has the incubating Vector API: nothing
 * else may refer to this class.
 */
final class VectorLogNormalizer {

    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;

    private VectorLogNormalizer() {
    }

    /** Whether the CPU's vectors are wide enough for the lanes to beat the scalar loop (AVX2 or better). */
    static boolean worthwhile() {
        return LANES.vectorBitSize() >= 256;
    }

    static double logNormalizer(float[] logits, int n) {
        int bound = LANES.loopBound(n);
        FloatVector maxLanes = FloatVector.broadcast(LANES, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < bound; i += LANES.length()) {
            maxLanes = maxLanes.max(FloatVector.fromArray(LANES, logits, i));
        }
        float max = maxLanes.reduceLanes(VectorOperators.MAX);
        for (int i = bound; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        // Every term is at most 1 and the sum at most n: float lanes lose nothing a float logprob would keep.
        FloatVector sumLanes = FloatVector.zero(LANES);
        for (int i = 0; i < bound; i += LANES.length()) {
            sumLanes = sumLanes.add(FloatVector.fromArray(LANES, logits, i).sub(max).lanewise(VectorOperators.EXP));
        }
        double sum = sumLanes.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < n; i++) {
            sum += Math.exp((double) logits[i] - max);
        }
        return max + Math.log(sum);
    }
}
