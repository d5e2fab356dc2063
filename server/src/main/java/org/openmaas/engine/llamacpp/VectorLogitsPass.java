package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LogProbabilities#summarize} in SIMD lanes and one pass over the row: each lane keeps its largest logit, that
 * logit's id and the sum of exp(logit - largest), rescaling the sum when the largest rises (rarely, after the first
 * few hundred logits of a row); {@link #argmax} is the same pass without the sums. Loaded only when the JVM has the
 * incubating Vector API: nothing else may refer to this class.
 */
final class VectorLogitsPass {

    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IDS = VectorSpecies.of(int.class, LANES.vectorShape());
    private static final IntVector LANE_INDEXES = IntVector.zero(IDS).addIndex(1);
    // Where each lane's largest starts, not -inf: exp(-inf - -inf) would be NaN for a lane that sees only -inf. A row
    // with nothing above it (only -inf, NaN and this value) goes to the scalar pass.
    private static final float FLOOR = -Float.MAX_VALUE;

    private VectorLogitsPass() {
    }

    /** Whether the CPU's vectors are wide enough for the lanes to beat the scalar loop (AVX2 or better). */
    static boolean worthwhile() {
        return LANES.vectorBitSize() >= 256;
    }

    static LogProbabilities.Summary summarize(MemorySegment row, int n) {
        int bound = LANES.loopBound(n);
        FloatVector largest = FloatVector.broadcast(LANES, FLOOR);
        IntVector argmax = IntVector.zero(IDS);
        // Every term is at most 1 and the sum at most n: float lanes lose nothing a float logprob would keep.
        FloatVector sum = FloatVector.zero(LANES);
        for (int i = 0; i < bound; i += LANES.length()) {
            FloatVector logits = FloatVector.fromMemorySegment(LANES, row, (long) i * Float.BYTES,
                    ByteOrder.nativeOrder());
            // Greedy's comparison: a NaN is never larger, and an equal logit keeps the lane's earlier id.
            VectorMask<Float> larger = logits.compare(VectorOperators.GT, largest);
            if (larger.anyTrue()) {
                FloatVector raised = largest.blend(logits, larger);
                sum = sum.mul(largest.sub(raised).lanewise(VectorOperators.EXP), larger);
                largest = raised;
                argmax = argmax.blend(LANE_INDEXES.add(i), larger.cast(IDS));
            }
            sum = sum.add(logits.sub(largest).lanewise(VectorOperators.EXP));
        }
        float[] laneLargest = largest.toArray();
        float[] laneSum = sum.toArray();
        int[] laneArgmax = argmax.toArray();
        int best = bestLane(laneLargest, laneArgmax);
        float max = laneLargest[best];
        int id = laneArgmax[best];
        double total = 0;
        for (int lane = 0; lane < laneLargest.length; lane++) {
            total += laneSum[lane] * Math.exp((double) laneLargest[lane] - max);
        }
        for (int i = bound; i < n; i++) { // the tail's ids follow every lane's: only a larger logit takes over
            float logit = row.getAtIndex(JAVA_FLOAT, i);
            if (logit > max) {
                total *= Math.exp((double) max - logit);
                max = logit;
                id = i;
            }
            total += Math.exp((double) logit - max);
        }
        if (!(max > FLOOR)) {
            return LogProbabilities.scalarSummarize(row, n);
        }
        // Greedy never moves off a NaN at id 0; the sum is NaN then, as it is for a NaN anywhere.
        return new LogProbabilities.Summary(max + Math.log(total),
                Float.isNaN(row.getAtIndex(JAVA_FLOAT, 0)) ? 0 : id);
    }

    /** {@link LogProbabilities#scalarArgmax} in SIMD lanes: {@link #summarize}'s pass without its exp. */
    static int argmax(MemorySegment row, int n) {
        int bound = LANES.loopBound(n);
        FloatVector largest = FloatVector.broadcast(LANES, FLOOR);
        IntVector argmax = IntVector.zero(IDS);
        for (int i = 0; i < bound; i += LANES.length()) {
            FloatVector logits = FloatVector.fromMemorySegment(LANES, row, (long) i * Float.BYTES,
                    ByteOrder.nativeOrder());
            VectorMask<Float> larger = logits.compare(VectorOperators.GT, largest);
            if (larger.anyTrue()) {
                largest = largest.blend(logits, larger);
                argmax = argmax.blend(LANE_INDEXES.add(i), larger.cast(IDS));
            }
        }
        float[] laneLargest = largest.toArray();
        int[] laneArgmax = argmax.toArray();
        int best = bestLane(laneLargest, laneArgmax);
        float max = laneLargest[best];
        int id = laneArgmax[best];
        for (int i = bound; i < n; i++) {
            float logit = row.getAtIndex(JAVA_FLOAT, i);
            if (logit > max) {
                max = logit;
                id = i;
            }
        }
        if (!(max > FLOOR)) {
            return LogProbabilities.scalarArgmax(row, n);
        }
        return Float.isNaN(row.getAtIndex(JAVA_FLOAT, 0)) ? 0 : id;
    }

    /** The lane with the largest logit, the lowest id among equals; the first lane when none rose above the floor. */
    private static int bestLane(float[] laneLargest, int[] laneArgmax) {
        int best = 0;
        for (int lane = 1; lane < laneLargest.length; lane++) {
            if (laneLargest[lane] > laneLargest[best]
                    || laneLargest[lane] == laneLargest[best] && laneArgmax[lane] < laneArgmax[best]) {
                best = lane;
            }
        }
        return best;
    }
}
