package org.openmaas.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bench serve} found, with the usual serving definitions: TTFT from sending the request to its first
 * token line; inter-token latency between consecutive token lines; end-to-end latency from sending to the last line;
 * per-stream output tokens/s from a request's first token to its last; aggregate output tokens/s and requests/s over
 * the wall time of the whole run. Latencies in milliseconds, over the measured requests: those sent after the
 * ramp-up, once every client was running (all of them without a ramp-up); the totals count every request.
 *
 * @param command     the command line, credentials left out
 * @param measured    successful requests the latencies are taken from
 * @param memory      the server's resident memory at the end, when its process id was given; else null
 * @param firstError  the first failed request's error, or null
 */
record ServeReport(String command, String target, String product, int clients, double rampUpSeconds, int maxNewTokens,
                   String machine, String loadBefore, String loadAfter, int succeeded, int measured, int failed,
                   long outputTokens, double wallSeconds, double aggregateTokensPerSecond, double requestsPerSecond,
                   Percentiles timeToFirstTokenMs, Percentiles interTokenLatencyMs, Percentiles endToEndLatencyMs,
                   Percentiles tokensPerSecondPerStream, ServerMemory memory, String firstError) {

    static ServeReport of(String command, String target, MaasEndpoint.Product product, LoadGenerator.Settings settings,
                          Machine before, Machine after, LoadGenerator.Run run, ServerMemory memory) {
        List<Double> ttft = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        List<Double> e2e = new ArrayList<>();
        List<Double> perStream = new ArrayList<>();
        int succeeded = 0;
        int measured = 0;
        long tokens = 0;
        String firstError = null;
        for (LoadGenerator.Sample sample : run.samples()) {
            MaasEndpoint.Timing timing = sample.timing();
            if (!timing.ok()) {
                firstError = firstError == null ? timing.error() : firstError;
                continue;
            }
            succeeded++;
            tokens += timing.generatedTokens();
            if (!sample.measured()) {
                continue;
            }
            measured++;
            List<Long> at = timing.tokenNanos();
            ttft.add(at.getFirst() / 1e6);
            e2e.add(timing.endNanos() / 1e6);
            for (int i = 1; i < at.size(); i++) {
                itl.add((at.get(i) - at.get(i - 1)) / 1e6);
            }
            if (at.size() > 1) {
                perStream.add((at.size() - 1) / ((at.getLast() - at.getFirst()) / 1e9));
            }
        }
        double wall = run.wallNanos() / 1e9;
        return new ServeReport(command, target, product.productName(), settings.clients(),
                settings.rampUp().toMillis() / 1000.0, settings.maxNewTokens(), before.describe(), before.load(),
                after.load(), succeeded, measured, run.samples().size() - succeeded, tokens, wall, tokens / wall,
                succeeded / wall, Percentiles.of(ttft), Percentiles.of(itl), Percentiles.of(e2e),
                Percentiles.of(perStream), memory, firstError);
    }

    String markdown() {
        Table latency = Table.of("per request", "p50", "p90", "p99")
                .with(row("time to first token, ms", timeToFirstTokenMs))
                .with(row("inter-token latency, ms", interTokenLatencyMs))
                .with(row("end-to-end latency, ms", endToEndLatencyMs))
                .with(row("output tok/s per stream", tokensPerSecondPerStream));
        Table totals = Table.of("clients", "requests ok", "failed", "output tokens", "aggregate output tok/s",
                        "requests/s", "wall s")
                .with(Integer.toString(clients), Integer.toString(succeeded), Integer.toString(failed),
                        Long.toString(outputTokens), "%.1f".formatted(aggregateTokensPerSecond),
                        "%.2f".formatted(requestsPerSecond), "%.1f".formatted(wallSeconds));
        String server = memory == null ? ""
                : "Server RSS at the end: %.0f MiB (peak %.0f MiB).\n".formatted(memory.rssBytes() / 1048576.0,
                        memory.peakRssBytes() / 1048576.0);
        String error = firstError == null ? "" : "First error: " + firstError + "\n";
        String streams = clients == 1 ? "1 stream"
                : rampUpSeconds == 0 ? "%d concurrent streams, all starting at once".formatted(clients)
                : "%d concurrent streams, starting evenly over %.1f s".formatted(clients, rampUpSeconds);
        if (rampUpSeconds > 0) {
            streams += "; latencies of the %d requests sent after %.1f s".formatted(measured, rampUpSeconds);
        }
        return """
                `%s`

                %s, product %s, %d new tokens per request, greedy, %s.
                Machine: %s; load average %s before, %s after.
                %s%s
                %s
                %s""".formatted(command, target, product, maxNewTokens, streams, machine, loadBefore, loadAfter,
                server, error, latency.markdown(), totals.markdown());
    }

    private static String[] row(String name, Percentiles p) {
        return new String[] {name, "%.1f".formatted(p.p50()), "%.1f".formatted(p.p90()), "%.1f".formatted(p.p99())};
    }
}
