package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic behind {@code bench engine}'s table: rates and divergence positions. */
class EngineReportTest {

    @Test
    void decodeRateLeavesOutEachSequencesFirstTokenAndThePromptWork() {
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                new EnginePhase.Run(0, 11, List.of(), "", 0, 500_000_000, 1_500_000_000L),
                new EnginePhase.Run(1, 21, List.of(), "", 0, 2_000_000_000L, 3_000_000_000L)), 3_000_000_000L);

        assertThat(EngineReport.decodeRate(result)).isEqualTo(15.0); // 30 tokens after the first, in 2 s
        assertThat(EngineReport.aggregateRate(result)).isEqualTo(32 / 3.0);
    }

    @Test
    void theFirstDifferenceIsTheFirstUnequalTokenOrWhereTheShorterEnds() {
        assertThat(EngineReport.firstDifference(List.of(1, 2, 3), List.of(1, 2, 3))).isEqualTo(-1);
        assertThat(EngineReport.firstDifference(List.of(1, 2, 3), List.of(1, 5, 3))).isEqualTo(1);
        assertThat(EngineReport.firstDifference(List.of(1, 2), List.of(1, 2, 3))).isEqualTo(2);
    }
}
