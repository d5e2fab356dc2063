package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
    void generationRateCountsOnlyWhatWasGeneratedWhileEverySequenceWasGenerating() {
        // Both generate only between 2 and 3 s: the first's 30 tokens span 3 s, so 10 of them fall in that second,
        // and all 20 of the second's.
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                new EnginePhase.Run(0, 31, List.of(), "", 0, 1_000_000_000L, 4_000_000_000L),
                new EnginePhase.Run(1, 21, List.of(), "", 0, 2_000_000_000L, 3_000_000_000L)), 4_000_000_000L);

        assertThat(EngineReport.generationRate(result)).isCloseTo(30.0, within(1e-9));
    }

    @Test
    void promptRateIsPromptTokensOverTheTimeToEachFirstToken() {
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                new EnginePhase.Run(1, 512, List.of(), "", 0, 1_000_000_000L, 1_000_000_000L),
                new EnginePhase.Run(2, 512, List.of(), "", 2_000_000_000L, 5_000_000_000L, 5_000_000_000L)),
                5_000_000_000L);

        assertThat(EngineReport.promptRate(result)).isEqualTo(256.0); // 1024 tokens in 1 s + 3 s
    }

    @Test
    void theReferenceColumnComparesWithLlamaCppsOwnToolsWhenTheyRan() {
        EngineReport.Measure measure = new EngineReport.Measure("single stream: decode tok/s", List.of(90.0, 95.0),
                List.of(60.0, 50.0), List.of(100.0, 99.0));

        assertThat(measure.ratio()).isEqualTo(95.0 / 60.0);
        assertThat(measure.llamaCpp()).isEqualTo(100.0);
        assertThat(measure.referenceRatio()).isEqualTo(0.95);
        assertThat(new EngineReport.Measure("x", List.of(1.0), List.of(1.0), List.of()).llamaCpp()).isNaN();
    }

    @Test
    void eachRoundIsComparedWithTheToolsRunOfTheSameRoundAndTheirMedianIsShown() {
        EngineReport.Measure measure = new EngineReport.Measure("8 concurrent: generation tok/s",
                List.of(90.0, 100.0, 120.0, 80.0), List.of(50.0, 50.0, 50.0, 50.0),
                List.of(100.0, 125.0, 100.0, 100.0));

        assertThat(measure.roundRatios()).containsExactly(0.9, 0.8, 1.2, 0.8);
        assertThat(measure.medianRoundRatio()).isCloseTo(0.85, within(1e-12));
        assertThat(measure.referenceRatio()).isEqualTo(120.0 / 125.0); // best against best, rounds apart
        assertThat(new EngineReport.Measure("x", List.of(1.0), List.of(1.0), List.of()).medianRoundRatio()).isNaN();
    }

    @Test
    void theToolsResultsAreTheirJsonLinesAmongTheLog() throws Exception {
        String output = """
                main: n_kv_max = 4096
                {"pp": 32, "tg": 64, "pl": 8, "speed_tg": 177.9}
                llama_perf_context_print: total time
                """;

        assertThat(LlamaCppTools.jsonLines(output)).singleElement()
                .satisfies(line -> assertThat(line.get("speed_tg").asDouble()).isEqualTo(177.9));
        assertThatThrownBy(() -> LlamaCppTools.jsonLines("error: no model\n"))
                .hasMessageContaining("the tool printed no results").hasMessageContaining("error: no model");
    }

    @Test
    void theFirstDifferenceIsTheFirstUnequalTokenOrWhereTheShorterEnds() {
        assertThat(EngineReport.firstDifference(List.of(1, 2, 3), List.of(1, 2, 3))).isEqualTo(-1);
        assertThat(EngineReport.firstDifference(List.of(1, 2, 3), List.of(1, 5, 3))).isEqualTo(1);
        assertThat(EngineReport.firstDifference(List.of(1, 2), List.of(1, 2, 3))).isEqualTo(2);
    }
}
