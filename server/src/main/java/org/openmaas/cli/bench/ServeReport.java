package org.openmaas.cli.bench;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import org.openmaas.cli.table.Table;

/**
 * What {@code bench serve} found (see {@link ServeRun} for what each number means). With several runs of the same load
 * every number is the best of the runs, each run listed too, as {@code bench engine} reports them: on a shared machine
 * other work only ever slows a run down. Counts, tokens and wall time add up over the runs.
 *
 * @param command the command line, credentials left out
 * @param target  the API base the load went to
 * @param api     which API that is ("MaaS API" or "OpenAI API")
 * @param product the product (MaaS API) or model (OpenAI API) every request asked for
 * @param warmMemory the server's resident memory after the warm-up, when its process id was given; else null
 * @param memory     the same after the last run
 * @param runs    every run, in order
 */
record ServeReport(String command, String target, String api, String product, int clients, boolean mixed, double rampUpSeconds,
                   int maxNewTokens, int repeats, String machine, String loadBefore, String loadAfter, int succeeded, int measured,
                   int failed, long outputTokens, double wallSeconds, double aggregateTokensPerSecond,
                   double requestsPerSecond, Percentiles timeToFirstTokenMs, Percentiles interTokenLatencyMs,
                   Percentiles endToEndLatencyMs, Percentiles tokensPerSecondPerStream, ServerMemory warmMemory,
                   ServerMemory memory, String firstError, List<ServeRun> runs) {

    static ServeReport of(String command, Endpoint endpoint, LoadGenerator.Settings settings,
                          Machine before, Machine after, List<ServeRun> runs, ServerMemory warmMemory,
                          ServerMemory memory) {
        return new ServeReport(command, endpoint.api().toString(), endpoint.apiName(), endpoint.target(),
                settings.clients(), settings.mixed(),
                settings.rampUp().toMillis() / 1000.0, settings.maxNewTokens(), runs.size(), before.describe(),
                before.load(), after.load(), runs.stream().mapToInt(ServeRun::succeeded).sum(),
                runs.stream().mapToInt(ServeRun::measured).sum(), runs.stream().mapToInt(ServeRun::failed).sum(),
                runs.stream().mapToLong(ServeRun::outputTokens).sum(),
                runs.stream().mapToDouble(ServeRun::wallSeconds).sum(),
                best(runs, ServeRun::aggregateTokensPerSecond, false), best(runs, ServeRun::requestsPerSecond, false),
                bestPercentiles(runs, ServeRun::timeToFirstTokenMs, true),
                bestPercentiles(runs, ServeRun::interTokenLatencyMs, true),
                bestPercentiles(runs, ServeRun::endToEndLatencyMs, true),
                bestPercentiles(runs, ServeRun::tokensPerSecondPerStream, false), warmMemory, memory,
                runs.stream().map(ServeRun::firstError).filter(Objects::nonNull).findFirst().orElse(null),
                List.copyOf(runs));
    }

    String markdown() {
        Table latency = new Table("per request", "p50", "p90", "p99")
                .row(row("time to first token, ms", timeToFirstTokenMs, ServeRun::timeToFirstTokenMs))
                .row(row("inter-token latency, ms", interTokenLatencyMs, ServeRun::interTokenLatencyMs))
                .row(row("end-to-end latency, ms", endToEndLatencyMs, ServeRun::endToEndLatencyMs))
                .row(row("output tok/s per stream", tokensPerSecondPerStream, ServeRun::tokensPerSecondPerStream));
        Table totals = new Table("clients", "requests ok", "failed", "output tokens", "aggregate output tok/s",
                        "requests/s", "wall s")
                .row(Integer.toString(clients), Integer.toString(succeeded), Integer.toString(failed),
                        Long.toString(outputTokens),
                        cell(aggregateTokensPerSecond, ServeRun::aggregateTokensPerSecond, "%.1f"),
                        cell(requestsPerSecond, ServeRun::requestsPerSecond, "%.2f"),
                        "%.1f".formatted(wallSeconds));
        String server = memory == null ? ""
                : "Server RSS after the warm-up: %.0f MiB; at the end: %.0f MiB (peak %.0f MiB).\n".formatted(
                        warmMemory.rssBytes() / 1048576.0, memory.rssBytes() / 1048576.0,
                        memory.peakRssBytes() / 1048576.0);
        String error = firstError == null ? "" : "First error: " + firstError + "\n";
        String who = (mixed ? "client" : "stream") + (clients == 1 ? "" : "s");
        String round = mixed ? " (going round a stream, a whole result, an OpenAI completion and a catalog read)" : "";
        String streams = clients == 1 ? "1 " + who + round
                : rampUpSeconds == 0 ? "%d concurrent %s%s, all starting at once".formatted(clients, who, round)
                : "%d concurrent %s%s, starting evenly over %.1f s".formatted(clients, who, round, rampUpSeconds);
        if (rampUpSeconds > 0) {
            streams += repeats == 1
                    ? "; latencies of the %d requests sent after %.1f s".formatted(measured, rampUpSeconds)
                    : "; latencies of the requests sent after %.1f s: %s in the %d runs".formatted(rampUpSeconds,
                            String.join(", ", runs.stream().map(run -> Integer.toString(run.measured())).toList()),
                            repeats);
        }
        String best = repeats == 1 ? "" : "; best of %d runs (all runs in brackets)".formatted(repeats);
        return """
                `%s`

                %s (%s), %s %s, %d new tokens per request, greedy, %s%s.
                Machine: %s; load average %s before, %s after.
                %s%s
                %s
                %s""".formatted(command, target, api,
                api.equals(MaasEndpoint.NAME) ? "product" : "model", product, maxNewTokens, streams, best, machine,
                loadBefore, loadAfter, server, error, latency.markdown(), totals.markdown());
    }

    private String[] row(String name, Percentiles best, Function<ServeRun, Percentiles> ofRun) {
        return new String[] {name, cell(best.p50(), run -> ofRun.apply(run).p50(), "%.1f"),
                cell(best.p90(), run -> ofRun.apply(run).p90(), "%.1f"),
                cell(best.p99(), run -> ofRun.apply(run).p99(), "%.1f")};
    }

    private String cell(double best, ToDoubleFunction<ServeRun> ofRun, String format) {
        if (runs.size() == 1) {
            return format.formatted(best);
        }
        return format.formatted(best) + " (" + String.join(", ",
                runs.stream().map(run -> format.formatted(ofRun.applyAsDouble(run))).toList()) + ")";
    }

    private static Percentiles bestPercentiles(List<ServeRun> runs, Function<ServeRun, Percentiles> of,
                                               boolean lowest) {
        return new Percentiles(best(runs, run -> of.apply(run).p50(), lowest),
                best(runs, run -> of.apply(run).p90(), lowest), best(runs, run -> of.apply(run).p99(), lowest));
    }

    private static double best(List<ServeRun> runs, ToDoubleFunction<ServeRun> number, boolean lowest) {
        DoubleStream values = runs.stream().mapToDouble(number).filter(x -> !Double.isNaN(x));
        return (lowest ? values.min() : values.max()).orElse(Double.NaN);
    }
}
