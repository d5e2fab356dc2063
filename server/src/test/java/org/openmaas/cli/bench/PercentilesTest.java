package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void percentilesAreNearestRank() {
        List<Double> hundred = IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList();

        assertThat(Percentiles.of(hundred)).isEqualTo(new Percentiles(50, 90, 99));
        assertThat(Percentiles.of(List.of(7.0))).isEqualTo(new Percentiles(7, 7, 7));
    }

    @Test
    void anEmptySampleHasNoPercentiles() {
        assertThat(Percentiles.of(List.of()).p50()).isNaN();
    }
}
