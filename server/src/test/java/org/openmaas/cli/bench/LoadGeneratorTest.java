package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openmaas.cli.bench.Endpoint.Kind;

class LoadGeneratorTest {

    private static LoadGenerator.Settings settings(int clients, boolean mixed) {
        return new LoadGenerator.Settings(clients, 100, Duration.ofMinutes(1), Duration.ZERO, 8, mixed);
    }

    @Test
    void withoutAMixEveryRequestIsAStream() {
        assertThat(IntStream.range(0, 12).mapToObj(settings(4, false)::kindOf)).containsOnly(Kind.STREAM);
    }

    @Test
    void inAMixEachClientGoesRoundEveryKindAndTheClientsSendDifferentKindsAtOnce() {
        LoadGenerator.Settings mixed = settings(4, true);
        // Client c sends requests c, c + 4, c + 8, ...
        List<Kind> firstClient = IntStream.of(0, 4, 8, 12).mapToObj(mixed::kindOf).toList();
        List<Kind> firstWave = IntStream.range(0, 4).mapToObj(mixed::kindOf).toList();

        assertThat(firstClient).containsExactly(Kind.STREAM, Kind.WHOLE, Kind.COMPLETION, Kind.CATALOG);
        assertThat(firstWave).containsExactlyInAnyOrder(Kind.values());
    }
}
