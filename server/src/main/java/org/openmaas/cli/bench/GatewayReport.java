package org.openmaas.cli.bench;

import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.function.ToDoubleFunction;
import org.openmaas.cli.table.Table;

/**
 * What {@code bench gateway} found: the same load straight at llama-server and at OpenMaaS (through it as a gateway,
 * or serving the model itself), run by run in turns. Each side's number is the median of its runs (every run listed
 * in brackets): with the sides alternating, a slow moment of the machine lands in one run of one side and the median
 * leaves it out. A ratio (or the time to first token's difference) is the median of each round's own, which compares
 * runs seconds apart.
 *
 * @param command        the command line
 * @param model          the GGUF file llama-server served
 * @param direct         the runs straight at llama-server, in order
 * @param gateway        the runs at OpenMaaS, in order
 * @param directCpu      the servers' CPU time over each llama-server run
 * @param gatewayCpu     the servers' CPU time over each OpenMaaS run
 * @param directIdle     how long llama-server's slots stood idle between requests over each llama-server run
 * @param gatewayIdle    the same over each OpenMaaS run (none with the embedded engine: llama-server has no work)
 * @param directMemory   llama-server's resident memory at the end
 * @param openmaasMemory OpenMaaS's
 */
record GatewayReport(String command, String model, GatewayBenchCommand.Front front, CpuPlacement placement,
                     int threads, int slots, int context,
                     int clients, int requests, double rampUpSeconds, int maxNewTokens, int warmupRequests,
                     int warmupRuns, String machine,
                     String loadBefore, String loadAfter, List<ServeRun> direct, List<ServeRun> gateway,
                     List<RunCpu> directCpu, List<RunCpu> gatewayCpu, List<SlotIdle> directIdle,
                     List<SlotIdle> gatewayIdle, ServerMemory directMemory, ServerMemory openmaasMemory) {

    static GatewayReport of(String command, String model, GatewayBenchCommand.Front front, CpuPlacement placement,
                            int threads, int slots, int context,
                            LoadGenerator.Settings settings, int warmupRequests, int warmupRuns, Machine before,
                            Machine after,
                            List<ServeRun> direct, List<ServeRun> gateway, List<RunCpu> directCpu,
                            List<RunCpu> gatewayCpu, List<SlotIdle> directIdle, List<SlotIdle> gatewayIdle,
                            ServerMemory directMemory, ServerMemory openmaasMemory) {
        return new GatewayReport(command, model, front, placement, threads, slots, context, settings.clients(),
                settings.requests(), settings.rampUp().toMillis() / 1000.0, settings.maxNewTokens(), warmupRequests,
                warmupRuns,
                before.describe(),
                before.load(), after.load(), List.copyOf(direct), List.copyOf(gateway), List.copyOf(directCpu),
                List.copyOf(gatewayCpu), List.copyOf(directIdle), List.copyOf(gatewayIdle), directMemory,
                openmaasMemory);
    }

    /** Failed requests on both sides. */
    int failed() {
        return Stream.concat(direct.stream(), gateway.stream()).mapToInt(ServeRun::failed).sum();
    }

    /** The median over a side's runs (or over the rounds) of one number, with its 95% interval. */
    private static <R> Median median(List<R> runs, ToDoubleFunction<R> number) {
        return Median.of(runs.stream().map(number::applyAsDouble).toList());
    }

    String markdown() {
        Median rateRatio = roundRatio(ServeRun::aggregateTokensPerSecond);
        Median ttftExtra = median(rounds(), r -> gateway.get(r).timeToFirstTokenMs().p50()
                - direct.get(r).timeToFirstTokenMs().p50());
        Median p99Ratio = roundRatio(run -> run.timeToFirstTokenMs().p99());
        boolean relay = front == GatewayBenchCommand.Front.gateway;
        Table table = new Table("", relay ? "direct" : "llama-server", relay ? "gateway" : "OpenMaaS",
                relay ? "gateway/direct" : "OpenMaaS/llama-server", "target")
                .row("aggregate output tok/s", cell(direct, ServeRun::aggregateTokensPerSecond),
                        cell(gateway, ServeRun::aggregateTokensPerSecond),
                        ratio(rateRatio),
                        "≥ %.2f×: %s".formatted(front.tokensPerSecondRatio,
                                met(rateRatio.value() >= front.tokensPerSecondRatio)))
                .row("time to first token p50, ms", cell(direct, run -> run.timeToFirstTokenMs().p50()),
                        cell(gateway, run -> run.timeToFirstTokenMs().p50()),
                        "%+.1f ms".formatted(ttftExtra.value()) + ttftExtra.interval("%+.1f"),
                        "≤ +%.0f ms: %s".formatted(front.ttftP50ExtraMs,
                                met(ttftExtra.value() <= front.ttftP50ExtraMs)))
                .row("time to first token p99, ms", cell(direct, run -> run.timeToFirstTokenMs().p99()),
                        cell(gateway, run -> run.timeToFirstTokenMs().p99()), ratio(p99Ratio),
                        Double.isNaN(front.ttftP99Ratio) ? ""
                                : "≤ %.2f×: %s".formatted(front.ttftP99Ratio,
                                        met(p99Ratio.value() <= front.ttftP99Ratio)))
                .row("end-to-end latency p50, ms", cell(direct, run -> run.endToEndLatencyMs().p50()),
                        cell(gateway, run -> run.endToEndLatencyMs().p50()),
                        ratio(roundRatio(run -> run.endToEndLatencyMs().p50())), "");
        if (relay && !directIdle.isEmpty()
                && Stream.concat(directIdle.stream(), gatewayIdle.stream()).allMatch(idle -> idle.gaps() > 0)) {
            table.row("llama-server slot idle between requests, mean ms", cell(directIdle, SlotIdle::meanMs),
                    cell(gatewayIdle, SlotIdle::meanMs), "%+.1f ms".formatted(median(rounds(),
                            r -> gatewayIdle.get(r).meanMs() - directIdle.get(r).meanMs()).value()), "");
        }
        table.row("llama-server CPU µs per output token", cell(directCpu, RunCpu::llamaServerMicrosPerToken),
                        relay ? cell(gatewayCpu, RunCpu::llamaServerMicrosPerToken) : "-", "", "")
                .row((relay ? "gateway" : "OpenMaaS") + " CPU µs per output token", "-",
                        cell(gatewayCpu, RunCpu::gatewayMicrosPerToken), "", "")
                .row((relay ? "gateway" : "OpenMaaS") + " CPU µs per token, JIT left out", "-",
                        cell(gatewayCpu, RunCpu::gatewayWithoutJitMicrosPerToken), "", "")
                .row("clients CPU µs per output token", cell(directCpu, RunCpu::clientMicrosPerToken),
                        cell(gatewayCpu, RunCpu::clientMicrosPerToken), "", "")
                .row("output tokens, requests ok / failed", counts(direct), counts(gateway), "", "")
                .row("resident memory at the end (peak), MiB", memory(directMemory), memory(openmaasMemory), "", "");
        String error = Stream.concat(direct.stream().map(run -> error("direct", run)),
                        gateway.stream().map(run -> error("gateway", run)))
                .filter(Objects::nonNull).findFirst().orElse("");
        String ramp = rampUpSeconds == 0 ? "all starting at once"
                : "starting evenly over %.1f s, latencies of the requests sent after".formatted(rampUpSeconds);
        String sides = relay
                ? ("%s on llama-server (%d slots of %d tokens, %d threads), straight and through OpenMaaS (a catalog product with "
                + "`engine: {type: llama-server}`)").formatted(model, slots, context, threads)
                : ("%s on llama-server and on OpenMaaS's embedded engine (each %d slots of %d tokens, %d threads)")
                .formatted(model, slots, context, threads);
        return """
                `%s`

                %s, both on the OpenAI route `/v1/completions`: %d concurrent streams, %s, %d requests per run, %d \
                new tokens per request, greedy. After %s%d unmeasured run(s) at OpenMaaS (the first also straight), \
                %d rounds of a llama-server run and an OpenMaaS run, OpenMaaS first in every other round; each number \
                is the median of its side's runs (every run in brackets), each ratio or difference the median over \
                the rounds of the round's own, with 6 rounds or more also its 95%% confidence interval. CPU µs per \
                output token: each server process's (and the clients', this command's) user plus system time over a \
                run (`/proc/PID/stat`, 10 ms ticks) divided by the tokens the run's clients received; OpenMaaS's JIT \
                compiler threads are also shown apart (a fresh JVM compiles for thousands of requests).%s
                Machine: %s; %s; load average %s before, %s after.
                %s
                %s""".formatted(command, sides, clients, ramp, requests, maxNewTokens,
                warmupRequests == 0 ? "" : warmupRequests + " one-token requests and ", warmupRuns, direct.size(),
                relay ? IDLE : "", machine, placement.describe(), loadBefore, loadAfter, error, table.markdown());
    }

    /** What the slot idle row is, said where the gateway is measured. */
    private static final String IDLE = " Slot idle: in llama-server's log, each slot's time from its `release` to its"
            + " next `launch_slot_`, averaged over a run: the turnaround of a closed loop (the stream's end on its way"
            + " to the client, the next request on its way to llama-server), which the gateway lengthens without"
            + " taking llama-server's CPU.";

    private static String met(boolean met) {
        return met ? "met" : "missed";
    }

    private static String memory(ServerMemory memory) {
        return "%d (%d)".formatted(memory.rssBytes() >> 20, memory.peakRssBytes() >> 20);
    }

    private static String error(String side, ServeRun run) {
        return run.firstError() == null ? null : "First error (" + side + "): " + run.firstError() + "\n";
    }

    /**
     * The median over the rounds of a number of the round's OpenMaaS run against its llama-server run, a few seconds
     * apart: this machine's speed moves by a fifth within minutes, and a ratio of each side's median may pair runs
     * minutes apart (two runs of the same code gave 0.83× and 1.19× so, 0.95× and 0.96× round by round).
     */
    private Median roundRatio(ToDoubleFunction<ServeRun> number) {
        return median(rounds(), r -> number.applyAsDouble(gateway.get(r)) / number.applyAsDouble(direct.get(r)));
    }

    private List<Integer> rounds() {
        return IntStream.range(0, Math.min(direct.size(), gateway.size())).boxed().toList();
    }

    private static <R> String cell(List<R> runs, ToDoubleFunction<R> number) {
        String median = "%.1f".formatted(median(runs, number).value());
        return runs.size() == 1 ? median : median + " (" + String.join(", ",
                runs.stream().map(run -> "%.1f".formatted(number.applyAsDouble(run))).toList()) + ")";
    }

    private static String ratio(Median ratio) {
        return "%.3f×".formatted(ratio.value()) + ratio.interval("%.3f");
    }

    private static String counts(List<ServeRun> runs) {
        return "%d, %d / %d".formatted(runs.stream().mapToLong(ServeRun::outputTokens).sum(),
                runs.stream().mapToInt(ServeRun::succeeded).sum(), runs.stream().mapToInt(ServeRun::failed).sum());
    }
}
