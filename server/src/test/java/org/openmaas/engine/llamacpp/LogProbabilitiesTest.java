package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both passes over a row, the scalar one and the Vector API's (the tests' JVM has it, as ./maas's does), on rows in
 * native memory as llama.cpp leaves them.
 */
class LogProbabilitiesTest {

    private static final float NONE = Float.NEGATIVE_INFINITY; // what a ban leaves of a logit

    static Stream<BiFunction<MemorySegment, Integer, LogProbabilities.Summary>> passes() {
        return Stream.of(LogProbabilities::scalarSummarize, VectorLogitsPass::summarize);
    }

    /** Every way the engine finds greedy's token: with the normalizer and without, scalar and in SIMD lanes. */
    static Stream<Named<BiFunction<MemorySegment, Integer, Integer>>> argmaxes() {
        return Stream.of(
                Named.of("scalar summary", (row, n) -> LogProbabilities.scalarSummarize(row, n).argmax()),
                Named.of("vector summary", (row, n) -> VectorLogitsPass.summarize(row, n).argmax()),
                Named.of("scalar argmax", LogProbabilities::scalarArgmax),
                Named.of("vector argmax", VectorLogitsPass::argmax));
    }

    private static MemorySegment row(float... logits) {
        return Arena.ofAuto().allocateFrom(JAVA_FLOAT, logits);
    }

    private static float[] vocabularyRow(long seed) {
        // Llama 3's vocabulary size, not a multiple of any lane count, with logits spread like a trained model's
        float[] logits = new float[128_256];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (random.nextGaussian() * 6);
        return logits;
    }

    @Test
    void theEngineUsesTheVectorApiWhereTheJvmAndCpuHaveIt() {
        assertThat(LogProbabilities.VECTORIZED).isEqualTo(VectorLogitsPass.worthwhile());
    }

    @ParameterizedTest
    @MethodSource("passes")
    void theProbabilitiesOfARowSumToOne(BiFunction<MemorySegment, Integer, LogProbabilities.Summary> pass) {
        float[] logits = {2.5f, -1f, 0f, 7.25f, 3f};
        double logNormalizer = pass.apply(row(logits), logits.length).logNormalizer();

        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - logNormalizer);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));
    }

    @ParameterizedTest
    @MethodSource("passes")
    void aVocabularyRowMatchesTheExactSumToFloatPrecision(
            BiFunction<MemorySegment, Integer, LogProbabilities.Summary> pass) {
        float[] logits = vocabularyRow(7);
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) max = Math.max(max, logit);
        double exact = 0;
        for (float logit : logits) exact += Math.exp(logit - max);
        exact = max + Math.log(exact);

        assertThat(pass.apply(row(logits), logits.length).logNormalizer()).isCloseTo(exact, within(1e-5));
    }

    @ParameterizedTest
    @MethodSource("passes")
    void aRowWhoseLargestLogitsComeLastIsNormalizedAsWell(
            BiFunction<MemorySegment, Integer, LogProbabilities.Summary> pass) {
        // Every logit larger than all before it: each lane's sum is rescaled at every step
        float[] logits = new float[1_000];
        for (int i = 0; i < logits.length; i++) logits[i] = i / 10f;
        double reference = LogProbabilities.scalarSummarize(row(logits), logits.length).logNormalizer();

        LogProbabilities.Summary summary = pass.apply(row(logits), logits.length);

        assertThat(summary.logNormalizer()).isCloseTo(reference, within(1e-5));
        assertThat(summary.argmax()).isEqualTo(999);
    }

    @ParameterizedTest
    @MethodSource("passes")
    void hugeLogitsDoNotOverflow(BiFunction<MemorySegment, Integer, LogProbabilities.Summary> pass) {
        float[] logits = new float[19];
        Arrays.fill(logits, 1000f); // exp(1000) overflows a double

        assertThat(logits[0] - pass.apply(row(logits), 19).logNormalizer())
                .isCloseTo(Math.log(1.0 / 19), within(1e-6));
    }

    @ParameterizedTest
    @MethodSource("passes")
    void onlyTheFirstNEntriesCount(BiFunction<MemorySegment, Integer, LogProbabilities.Summary> pass) {
        float[] logits = new float[40];
        logits[35] = 100f;

        assertThat(pass.apply(row(logits), 33).logNormalizer()).isCloseTo(Math.log(33), within(1e-6));
        assertThat(pass.apply(row(logits), 33).argmax()).isZero();
        assertThat(LogProbabilities.topIds(row(0f, 0f, 100f), 2, 5)).containsExactly(0, 1);
    }

    @ParameterizedTest
    @MethodSource("passes")
    void bannedLogitsCountForNothing(BiFunction<MemorySegment, Integer, LogProbabilities.Summary> pass) {
        // More banned logits than a lane count, so some lanes see nothing else
        float[] logits = new float[70];
        Arrays.fill(logits, NONE);
        logits[41] = 2f;
        logits[66] = 2f;

        LogProbabilities.Summary summary = pass.apply(row(logits), logits.length);

        assertThat(summary.logNormalizer()).isCloseTo(2 + Math.log(2), within(1e-6));
        assertThat(summary.argmax()).isEqualTo(41);
    }

    @ParameterizedTest
    @MethodSource("argmaxes")
    void argmaxIsTheLargestLogitAndTheLowerIdAmongEquals(
            BiFunction<MemorySegment, Integer, Integer> argmax) {
        assertThat(argmax.apply(row(1f, 5f, 3f, 5f, -2f, 4f), 6)).isEqualTo(1);
        assertThat(argmax.apply(row(1f, 5f, 3f, 5f, -2f, 4f), 1)).isEqualTo(0);
        assertThat(argmax.apply(row(0f, -0f), 2)).isEqualTo(0);
        // Equal maxima in different lanes, the later lane first in id order within its own lane, and in the tail
        float[] logits = new float[1_003];
        for (int id : new int[] {1_002, 517, 35, 9}) logits[id] = 8f;
        assertThat(argmax.apply(row(logits), logits.length)).isEqualTo(9);
    }

    @ParameterizedTest
    @MethodSource("argmaxes")
    void argmaxComparesAsLlamaCppsGreedySamplerDoesSoANanIsNeverChosenAfterTheFirstId(
            BiFunction<MemorySegment, Integer, Integer> argmax) {
        assertThat(argmax.apply(row(0f, Float.NaN, 2f), 3)).isEqualTo(2);
        assertThat(argmax.apply(row(Float.NaN, 1f, 2f), 3)).isEqualTo(0);
        assertThat(argmax.apply(row(NONE, NONE), 2)).isEqualTo(0);
        float[] logits = new float[100];
        Arrays.fill(logits, Float.NaN);
        logits[70] = -3f;
        logits[0] = NONE;
        assertThat(argmax.apply(row(logits), logits.length)).isEqualTo(70);
        logits[0] = Float.NaN;
        assertThat(argmax.apply(row(logits), logits.length)).isEqualTo(0);
    }

    @ParameterizedTest
    @MethodSource("passes")
    void aNanMakesTheNormalizerNan(BiFunction<MemorySegment, Integer, LogProbabilities.Summary> pass) {
        float[] logits = vocabularyRow(3);
        logits[1_000] = Float.NaN;

        assertThat(pass.apply(row(logits), logits.length).logNormalizer()).isNaN();
    }

    @Test
    void theVectorPassFindsWhatTheScalarReferenceDoesOnRowsOfEverySizeAndShape() {
        SplittableRandom random = new SplittableRandom(13);
        float[] values = {NONE, -Float.MAX_VALUE, -0f, 0f, 3f, 3f, 1e30f};
        for (int n = 1; n <= 100; n++) {
            for (int trial = 0; trial < 20; trial++) {
                float[] logits = new float[n];
                for (int i = 0; i < n; i++) {
                    logits[i] = random.nextInt(3) == 0 ? values[random.nextInt(values.length)]
                            : (float) (random.nextGaussian() * 4);
                }
                MemorySegment row = row(logits);
                LogProbabilities.Summary reference = LogProbabilities.scalarSummarize(row, n);

                LogProbabilities.Summary summary = VectorLogitsPass.summarize(row, n);

                assertThat(summary.argmax()).as("argmax of %s", Arrays.toString(logits))
                        .isEqualTo(reference.argmax());
                assertThat(VectorLogitsPass.argmax(row, n)).as("argmax alone of %s", Arrays.toString(logits))
                        .isEqualTo(reference.argmax());
                double expected = reference.logNormalizer(); // NaN for a row of nothing but banned logits
                assertThat(summary.logNormalizer()).as("normalizer of %s", Arrays.toString(logits))
                        .isCloseTo(expected, within(Double.isNaN(expected) ? 0 : 1e-5 * Math.max(1, Math.abs(expected))));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("argmaxes")
    void argmaxIsTheFirstTopIdOfAVocabularyRow(BiFunction<MemorySegment, Integer, Integer> argmax) {
        float[] logits = vocabularyRow(11);

        assertThat(argmax.apply(row(logits), logits.length))
                .isEqualTo(LogProbabilities.topIds(row(logits), logits.length, 1)[0]);
    }

    @Test
    void aSummaryOfTheArgmaxAloneHasNoNormalizerSoItsLogprobsAreNan() {
        float[] logits = vocabularyRow(5);

        LogProbabilities.Summary summary = LogProbabilities.argmaxOnly(row(logits), logits.length);

        assertThat(summary.argmax()).isEqualTo(LogProbabilities.summarize(row(logits), logits.length).argmax());
        assertThat(logits[summary.argmax()] - summary.logNormalizer()).isNaN();
    }

    @Test
    void topIdsAreMostLikelyFirstAndEqualLogitsKeepTheLowerIdFirst() {
        assertThat(LogProbabilities.topIds(row(1f, 5f, 3f, 5f, -2f, 4f), 6, 4)).containsExactly(1, 3, 5, 2);
    }

    @Test
    void zeroTopIdsAreNone() {
        assertThat(LogProbabilities.topIds(row(1f, 2f), 2, 0)).isEmpty();
    }
}
