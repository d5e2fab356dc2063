package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MedianTest {

    private static final List<Double> TEN = List.of(1.00, 0.91, 0.97, 0.95, 1.04, 0.93, 0.96, 0.99, 0.94, 0.98);

    @Test
    void tenValuesIntervalIsTheSecondFromEitherEnd() {
        // P(B(10, 1/2) <= 1) = 11/1024 <= 2.5% < P(<= 2) = 56/1024
        Median median = Median.of(TEN);

        assertThat(median.value()).isEqualTo((0.96 + 0.97) / 2);
        assertThat(median.low()).isEqualTo(0.93);
        assertThat(median.high()).isEqualTo(1.00);
        assertThat(median.interval("%.2f")).isEqualTo(" [0.93–1.00]");
    }

    @Test
    void sixValuesReachOnlyTheExtremesAndFiveHaveNoInterval() {
        Median six = Median.of(TEN.subList(0, 6)); // 1/64 per tail

        assertThat(six.low()).isEqualTo(0.91);
        assertThat(six.high()).isEqualTo(1.04);
        Median five = Median.of(TEN.subList(0, 5));
        assertThat(five.value()).isEqualTo(0.97);
        assertThat(five.hasInterval()).isFalse();
        assertThat(five.interval("%.2f")).isEmpty();
    }

    @Test
    void anEmptySampleHasNoMedian() {
        assertThat(Median.of(List.of()).value()).isNaN();
    }
}
