package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayReportTest {

    /** Three rounds; the machine was slowest in the second, and the gateway's third run was disturbed. */
    private static final double[] DIRECT_RATES = {3000, 2000, 3000};
    private static final double[] GATEWAY_RATES = {2940, 1920, 2100};

    @Test
    void aRatioIsTheMedianOfEachRoundsOwnNotOfEachSidesMedian() {
        // Round by round 0.98, 0.96 and 0.70: the median 0.96. The sides' medians (3000 and 2100) would give 0.70.
        String markdown = report(new double[] {30, 30, 30}, new double[] {31, 31, 31}).markdown();

        assertThat(markdown).containsPattern("\\| aggregate output tok/s +\\| 3000\\.0 \\(3000\\.0, 2000\\.0,"
                + " 3000\\.0\\) +\\| 2100\\.0 \\(2940\\.0, 1920\\.0, 2100\\.0\\) +\\| 0\\.960× +\\| ≥ 0\\.97×: missed +\\|");
    }

    @Test
    void theTimeToFirstTokensExtraIsTheMedianOfEachRoundsDifference() {
        // Differences +2, +4 and +40 ms: the median +4. The sides' medians (30 and 60) would give +30.
        String markdown = report(new double[] {30, 20, 30}, new double[] {32, 24, 70}).markdown();

        assertThat(markdown)
                .containsPattern("\\| time to first token p50, ms .*\\| \\+4\\.0 ms +\\| ≤ \\+5 ms: met +\\|");
    }

    @Test
    void withSixRoundsOrMoreARatioAlsoShowsItsMediansConfidenceInterval() {
        List<ServeRun> direct = List.of(run(1000, 30), run(1000, 30), run(1000, 30), run(1000, 30), run(1000, 30),
                run(1000, 30));
        List<ServeRun> embedded = List.of(run(950, 30), run(960, 30), run(1000, 30), run(1010, 30), run(1040, 30),
                run(990, 30));

        // Ratios 0.95, 0.96, 1.00, 1.01, 1.04 and 0.99: the median 0.995, six rounds' interval their extremes
        assertThat(report(GatewayBenchCommand.Front.embedded, direct, embedded, List.of(), List.of()).markdown())
                .containsPattern("\\| aggregate output tok/s .*\\| 0\\.995× \\[0\\.950–1\\.040\\] +\\| ≥ 1\\.00×: missed")
                .contains("with 6 rounds or more also its 95% confidence interval");
        assertThat(report(new double[] {30, 30, 30}, new double[] {31, 31, 31}).markdown()).doesNotContain("× [");
    }

    @Test
    void theOneTokenRequestsBeforeTheRunsAreSaidWhenThereWereAny() {
        assertThat(report(new double[] {30, 30, 30}, new double[] {31, 31, 31}).markdown())
                .contains("After 15000 one-token requests and 30 unmeasured run(s) at OpenMaaS");
    }

    @Test
    void theSlotsIdleTimeIsEachSidesMedianAndTheMedianOfEachRoundsDifference() {
        // Differences +5, +8 and +2 ms: the median +5.
        assertThat(report(new double[] {30, 30, 30}, new double[] {31, 31, 31}).markdown())
                .containsPattern("\\| llama-server slot idle between requests, mean ms +\\| 15\\.0 \\(15\\.0, 14\\.0,"
                        + " 15\\.0\\) +\\| 20\\.0 \\(20\\.0, 22\\.0, 17\\.0\\) +\\| \\+5\\.0 ms +\\|")
                .contains("Slot idle: in llama-server's log");
    }

    @Test
    void withoutAnIdleIntervalInEveryRunOrWithTheEmbeddedEngineThereIsNoSlotIdleRow() {
        List<ServeRun> runs = List.of(run(3000, 30), run(3000, 30), run(3000, 30));
        List<SlotIdle> oneWithout = List.of(new SlotIdle(88, 880), new SlotIdle(0, 0), new SlotIdle(88, 880));

        assertThat(report(GatewayBenchCommand.Front.gateway, runs, runs, idle(15, 14, 15), oneWithout).markdown())
                .doesNotContain("slot idle between requests");
        assertThat(report(GatewayBenchCommand.Front.embedded, runs, runs, idle(15, 14, 15), idle(15, 14, 15))
                .markdown()).doesNotContain("slot idle between requests").doesNotContain("Slot idle:");
    }

    private static GatewayReport report(double[] directTtft, double[] gatewayTtft) {
        List<ServeRun> direct = List.of(run(DIRECT_RATES[0], directTtft[0]), run(DIRECT_RATES[1], directTtft[1]),
                run(DIRECT_RATES[2], directTtft[2]));
        List<ServeRun> gateway = List.of(run(GATEWAY_RATES[0], gatewayTtft[0]),
                run(GATEWAY_RATES[1], gatewayTtft[1]), run(GATEWAY_RATES[2], gatewayTtft[2]));
        return report(GatewayBenchCommand.Front.gateway, direct, gateway, idle(15, 14, 15), idle(20, 22, 17));
    }

    private static GatewayReport report(GatewayBenchCommand.Front front, List<ServeRun> direct,
                                        List<ServeRun> gateway, List<SlotIdle> directIdle,
                                        List<SlotIdle> gatewayIdle) {
        List<RunCpu> cpu = List.of(new RunCpu(1, 1, 0, 1, 1000), new RunCpu(1, 1, 0, 1, 1000),
                new RunCpu(1, 1, 0, 1, 1000));
        return new GatewayReport("maas bench gateway", "stories260K.gguf", front, CpuPlacement.shared(), 1, 8, 512,
                8, 96, 0, 64, 15_000, 30, "a machine", "1.0", "1.0", direct, gateway, cpu, cpu, directIdle,
                gatewayIdle, new ServerMemory(1, 1 << 20, 1 << 20), new ServerMemory(2, 1 << 20, 1 << 20));
    }

    /** Each run's slots idle for {@code meanMs} on average, over 88 intervals. */
    private static List<SlotIdle> idle(double... meanMs) {
        return Arrays.stream(meanMs).mapToObj(mean -> new SlotIdle(88, 88 * mean)).toList();
    }

    private static ServeRun run(double tokensPerSecond, double ttftP50) {
        Percentiles ttft = new Percentiles(ttftP50, ttftP50, ttftP50);
        Percentiles none = new Percentiles(1, 1, 1);
        return new ServeRun(96, 96, 0, 6144, 6144 / tokensPerSecond, tokensPerSecond, 96 / (6144 / tokensPerSecond),
                ttft, none, none, none, null);
    }
}
