package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both normalizers, the scalar one and the Vector API's (the tests' JVM has it, as ./maas's does). */
class LogProbabilitiesTest {

    static Stream<ToDoubleBiFunction<float[], Integer>> normalizers() {
        return Stream.of(LogProbabilities::scalarLogNormalizer, VectorLogNormalizer::logNormalizer);
    }

    @Test
    void theEngineUsesTheVectorApiWhereTheJvmAndCpuHaveIt() {
        assertThat(LogProbabilities.VECTORIZED).isEqualTo(VectorLogNormalizer.worthwhile());
    }

    @ParameterizedTest
    @MethodSource("normalizers")
    void theProbabilitiesOfARowSumToOne(ToDoubleBiFunction<float[], Integer> normalizer) {
        float[] logits = {2.5f, -1f, 0f, 7.25f, 3f};
        double logNormalizer = normalizer.applyAsDouble(logits, logits.length);

        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - logNormalizer);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));
    }

    @ParameterizedTest
    @MethodSource("normalizers")
    void aVocabularyRowMatchesTheExactSumToFloatPrecision(ToDoubleBiFunction<float[], Integer> normalizer) {
        // Llama 3's vocabulary size, not a multiple of any lane count, with logits spread like a trained model's
        float[] logits = new float[128_256];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (random.nextGaussian() * 6);
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) max = Math.max(max, logit);
        double exact = 0;
        for (float logit : logits) exact += Math.exp(logit - max);
        exact = max + Math.log(exact);

        assertThat(normalizer.applyAsDouble(logits, logits.length)).isCloseTo(exact, within(1e-5));
    }

    @ParameterizedTest
    @MethodSource("normalizers")
    void hugeLogitsDoNotOverflow(ToDoubleBiFunction<float[], Integer> normalizer) {
        float[] logits = new float[19];
        Arrays.fill(logits, 1000f); // exp(1000) overflows a double

        assertThat(logits[0] - normalizer.applyAsDouble(logits, 19)).isCloseTo(Math.log(1.0 / 19), within(1e-6));
    }

    @ParameterizedTest
    @MethodSource("normalizers")
    void onlyTheFirstNEntriesCount(ToDoubleBiFunction<float[], Integer> normalizer) {
        float[] logits = new float[40];
        logits[35] = 100f;

        assertThat(normalizer.applyAsDouble(logits, 33)).isCloseTo(Math.log(33), within(1e-6));
        assertThat(LogProbabilities.topIds(new float[] {0f, 0f, 100f}, 2, 5)).containsExactly(0, 1);
    }

    @Test
    void topIdsAreMostLikelyFirstAndEqualLogitsKeepTheLowerIdFirst() {
        float[] logits = {1f, 5f, 3f, 5f, -2f, 4f};

        assertThat(LogProbabilities.topIds(logits, logits.length, 4)).containsExactly(1, 3, 5, 2);
    }

    @Test
    void argmaxIsTheLargestLogitAndTheLowerIdAmongEquals() {
        float[] logits = {1f, 5f, 3f, 5f, -2f, 4f};

        assertThat(LogProbabilities.argmax(logits, logits.length)).isEqualTo(1);
        assertThat(LogProbabilities.argmax(logits, 1)).isEqualTo(0);
    }

    @Test
    void argmaxComparesAsLlamaCppsGreedySamplerDoesSoANanIsNeverChosenAfterTheFirstId() {
        assertThat(LogProbabilities.argmax(new float[] {0f, Float.NaN, 2f}, 3)).isEqualTo(2);
        assertThat(LogProbabilities.argmax(new float[] {Float.NaN, 1f, 2f}, 3)).isEqualTo(0);
        float none = Float.NEGATIVE_INFINITY;
        assertThat(LogProbabilities.argmax(new float[] {none, none}, 2)).isEqualTo(0);
    }

    @Test
    void argmaxIsTheFirstTopIdOfAVocabularyRow() {
        float[] logits = new float[128_256];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (random.nextGaussian() * 6);

        assertThat(LogProbabilities.argmax(logits, logits.length))
                .isEqualTo(LogProbabilities.topIds(logits, logits.length, 1)[0]);
    }

    @Test
    void zeroTopIdsAreNone() {
        assertThat(LogProbabilities.topIds(new float[] {1f, 2f}, 2, 0)).isEmpty();
    }
}
