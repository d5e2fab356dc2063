package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The arithmetic behind {@code bench engine}'s table: rates and divergence positions. */
class EngineReportTest {

    @Test
    void decodeRateLeavesOutEachSequencesFirstTokenAndThePromptWork() {
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                run(0, 0, evenly(500, 1500, 11)),
                run(1, 0, evenly(2000, 3000, 21))), 3_000_000_000L);

        assertThat(EngineReport.decodeRate(result)).isCloseTo(15.0, within(1e-9)); // 30 tokens after the first, in 2 s
        assertThat(EngineReport.aggregateRate(result)).isEqualTo(32 / 3.0);
    }

    @Test
    void generationRateCountsTheTokensThatArrivedWhileEverySequenceWasGenerating() {
        // The first sequence was admitted a second early and took slow steps (they also processed the second's prompt)
        // until the second's first token at 2 s; then both take a token every 0.1 s until the first ends at 3 s.
        long[] early = concat(new long[] {1000, 1500}, evenly(2000, 3000, 11));
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                run(0, 0, early),
                run(1, 0, evenly(2000, 4000, 21))), 4_000_000_000L);

        // 10 tokens of each in (2 s, 3 s]; a share by time would give the first only 12 × 1/2 = 6 of them
        assertThat(EngineReport.generationRate(result)).isCloseTo(20.0, within(1e-9));
    }

    @Test
    void anOutputThatMergedTokensCountsForEachOfThem() {
        // java-llama.cpp's 21 tokens in 11 outputs: 2 tokens an output, 5 outputs in the window (1 s, 2 s]
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                new EnginePhase.Run(0, 30, 21, List.of(), "", 0, millis(evenly(0, 2000, 11))),
                run(1, 0, evenly(1000, 2000, 11))), 2_000_000_000L);

        assertThat(EngineReport.generationRate(result)).isCloseTo(20.0, within(1e-9));
    }

    @Test
    void promptRateIsPromptTokensOverTheTimeToEachFirstToken() {
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                new EnginePhase.Run(1, 512, 1, List.of(), "", 0, millis(1000)),
                new EnginePhase.Run(2, 512, 1, List.of(), "", 2_000_000_000L, millis(5000))), 5_000_000_000L);

        assertThat(EngineReport.promptRate(result)).isEqualTo(256.0); // 1024 tokens in 1 s + 3 s
    }

    @Test
    void llamaCppsToolsGetPromptsAsLongAsTheEnginesWereOnAverage() {
        EnginePhase.Result result = new EnginePhase.Result(null, List.of(
                new EnginePhase.Run(0, 33, 1, List.of(), "", 0, millis(1000)),
                new EnginePhase.Run(1, 36, 1, List.of(), "", 0, millis(1000))), 1_000_000_000L);

        assertThat(EngineReport.meanPromptTokens(result)).isEqualTo(35); // 34.5, rounded
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
        assertThat(measure.roundRatioMedian().value()).isCloseTo(0.85, within(1e-12));
        assertThat(measure.referenceRatio()).isEqualTo(120.0 / 125.0); // best against best, rounds apart
        assertThat(new EngineReport.Measure("x", List.of(1.0), List.of(1.0), List.of()).roundRatioMedian().value())
                .isNaN();
        assertThat(measure.roundRatioMedian().hasInterval()).as("four rounds are too few for a 95% interval").isFalse();
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

    /** A run of a 30-token prompt with one token an arrival. */
    private static EnginePhase.Run run(int prompt, long startMillis, long... arrivalMillis) {
        return new EnginePhase.Run(prompt, 30, arrivalMillis.length, List.of(), "", startMillis * 1_000_000,
                millis(arrivalMillis));
    }

    /** {@code count} times in milliseconds from {@code from} to {@code to}, evenly spaced. */
    private static long[] evenly(long from, long to, int count) {
        return LongStream.range(0, count).map(i -> from + (to - from) * i / (count - 1)).toArray();
    }

    private static long[] concat(long[] a, long[] b) {
        return LongStream.concat(LongStream.of(a), LongStream.of(b)).toArray();
    }

    private static List<Long> millis(long... millis) {
        return LongStream.of(millis).map(m -> m * 1_000_000).boxed().toList();
    }
}
