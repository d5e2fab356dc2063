package org.openmaas.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One pass of {@code bench serve}'s load, with the usual serving definitions: TTFT from sending the request to its
 * first token line; inter-token latency between consecutive token lines; end-to-end latency from sending to the last
 * line; per-stream output tokens/s from a request's first token to its last; aggregate output tokens/s and requests/s
 * over the wall time of the pass. In a mixed load the token latencies are the streams' and the end-to-end latency
 * every request's; the output tokens count every generation's. Latencies in milliseconds, over the measured requests: those sent after the ramp-up,
 * once every client was running (all of them without a ramp-up); the totals count every request.
 *
 * @param measured   successful requests the latencies are taken from
 * @param firstError the first failed request's error, or null
 */
record ServeRun(int succeeded, int measured, int failed, long outputTokens, double wallSeconds,
                double aggregateTokensPerSecond, double requestsPerSecond, Percentiles timeToFirstTokenMs,
                Percentiles interTokenLatencyMs, Percentiles endToEndLatencyMs, Percentiles tokensPerSecondPerStream,
                String firstError) {

    static ServeRun of(LoadGenerator.Run run) {
        List<Double> ttft = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        List<Double> e2e = new ArrayList<>();
        List<Double> perStream = new ArrayList<>();
        int succeeded = 0;
        int measured = 0;
        long tokens = 0;
        String firstError = null;
        for (LoadGenerator.Sample sample : run.samples()) {
            Timing timing = sample.timing();
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
            e2e.add(timing.endNanos() / 1e6);
            List<Long> at = timing.tokenNanos();
            if (at.isEmpty()) {
                continue; // not a stream
            }
            ttft.add(at.getFirst() / 1e6);
            for (int i = 1; i < at.size(); i++) {
                itl.add((at.get(i) - at.get(i - 1)) / 1e6);
            }
            if (at.size() > 1) {
                perStream.add((at.size() - 1) / ((at.getLast() - at.getFirst()) / 1e9));
            }
        }
        double wall = run.wallNanos() / 1e9;
        return new ServeRun(succeeded, measured, run.samples().size() - succeeded, tokens, wall, tokens / wall,
                succeeded / wall, Percentiles.of(ttft), Percentiles.of(itl), Percentiles.of(e2e),
                Percentiles.of(perStream), firstError);
    }
}
