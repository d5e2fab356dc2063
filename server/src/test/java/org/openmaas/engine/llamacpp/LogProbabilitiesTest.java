package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogProbabilitiesTest {

    @Test
    void theProbabilitiesOfARowSumToOne() {
        float[] logits = {2.5f, -1f, 0f, 7.25f, 3f};
        double logNormalizer = LogProbabilities.logNormalizer(logits, logits.length);

        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - logNormalizer);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        float[] logits = {1000f, 1000f}; // exp(1000) overflows a double

        assertThat(logits[0] - LogProbabilities.logNormalizer(logits, 2)).isCloseTo(Math.log(0.5), within(1e-9));
    }

    @Test
    void onlyTheFirstNEntriesCount() {
        float[] logits = {0f, 0f, 100f};

        assertThat(LogProbabilities.logNormalizer(logits, 2)).isCloseTo(Math.log(2), within(1e-12));
        assertThat(LogProbabilities.topIds(logits, 2, 5)).containsExactly(0, 1);
    }

    @Test
    void topIdsAreMostLikelyFirstAndEqualLogitsKeepTheLowerIdFirst() {
        float[] logits = {1f, 5f, 3f, 5f, -2f, 4f};

        assertThat(LogProbabilities.topIds(logits, logits.length, 4)).containsExactly(1, 3, 5, 2);
    }

    @Test
    void zeroTopIdsAreNone() {
        assertThat(LogProbabilities.topIds(new float[] {1f, 2f}, 2, 0)).isEmpty();
    }
}
