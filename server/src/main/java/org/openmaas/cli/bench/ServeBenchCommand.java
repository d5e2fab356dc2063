package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas bench serve}: a load generator against a running MaaS endpoint, ours or another, speaking only the wire
 * contract: N concurrent streaming clients over the fixed prompt set until a request count or a time limit.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Load a running MaaS endpoint with N concurrent streaming clients and report TTFT,"
                + " inter-token and end-to-end latency (p50/p90/p99), output tokens/s per stream and in aggregate,"
                + " and requests/s. Stops after --requests or --duration, whichever comes first.",
                "It connects as every client-side command does: flags, else MAAS_BASE_URL, MAAS_AUTH_URL,"
                        + " MAAS_CLIENT_ID, MAAS_CLIENT_SECRET and MAAS_CLOUD_ACCOUNT, else the config file of"
                        + " `maas login`, else " + ConnectionOptions.LOCAL_SERVER + "."})
final class ServeBenchCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--product", description = "The product_name to load (default: the catalog's first).")
    String product;

    @Option(names = "--clients", defaultValue = "1", description = "Concurrent streams (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", defaultValue = "32", description = "Requests in all (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--duration", defaultValue = "300",
            description = "Seconds after which no request starts (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--ramp-up", defaultValue = "0", paramLabel = "SECONDS",
            description = {"Start the clients evenly over this many seconds, the last at its end, and measure latencies"
                    + " only of requests sent after it (default: ${DEFAULT-VALUE}, all at once).",
                    "Clients that start together and ask for as many tokens stay in lockstep: every wave is a burst of"
                            + " simultaneous prompts. A ramp-up of about one loaded request's duration gives the"
                            + " steady load of N streams."})
    double rampUpSeconds;

    @Option(names = "--max-new-tokens", defaultValue = "64",
            description = "max_new_tokens of every request (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--warmup", defaultValue = "1",
            description = "Requests sent one by one before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeat", defaultValue = "1",
            description = {"Run the whole load this many times, one after another, and report the best of every number,"
                    + " listing every run: on a shared machine other work only slows a run down (default: 1)."})
    int repeat;

    @Option(names = "--mixed", description = {"Each client goes round a stream, a whole result (generate), an OpenAI"
            + " completion (/v1/completions on the same server) and a catalog read, instead of only streaming: the"
            + " load of a soak."})
    boolean mixed;

    @Option(names = "--pid", description = "The server's process id on this machine: report its resident memory after"
            + " the warm-up and at the end.")
    Long pid;

    @Mixin
    ReportOptions report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1: " + repeat);
        }
        LoadGenerator.Settings settings = new LoadGenerator.Settings(clients, requests,
                Duration.ofSeconds(durationSeconds), Duration.ofMillis(Math.round(rampUpSeconds * 1000)), maxNewTokens, mixed);
        try (MaasClient client = connection.resolve(ConnectionOptions.LOCAL_SERVER).client()) {
            return run(new MaasEndpoint(client), settings);
        }
    }

    /** What run {@code r} is about to measure, so a long benchmark says what it is doing while it does it. */
    private String startLine(int r, Model target) {
        return "bench serve: run " + (r + 1) + " of " + repeat + ": " + requests + " requests of " + maxNewTokens
                + " new tokens to " + target.productName() + " from " + clients + " concurrent client(s)"
                + (mixed ? " going round stream, generate, OpenAI completion and catalog" : ", streaming")
                + (rampUpSeconds > 0 ? ", started over " + rampUpSeconds + " s" : "")
                + " (at most " + durationSeconds + " s)...";
    }

    private int run(MaasEndpoint endpoint, LoadGenerator.Settings settings) throws Exception {
        Model target = endpoint.product(product);
        for (int i = 0; i < warmup; i++) {
            // From the end of the set: the measured requests must not find the warm-up's cells.
            MaasEndpoint.Timing timing = endpoint.send(MaasEndpoint.Kind.STREAM, target, Prompts.get(-1 - i),
                    maxNewTokens);
            if (!timing.ok()) {
                throw new IllegalArgumentException("the warm-up request failed: " + timing.error());
            }
        }
        // After the warm-up: the server has loaded what it loads lazily, so growth from here on is the load's.
        ServerMemory warm = pid == null ? null : ServerMemory.of(pid);
        Machine before = Machine.now();
        List<ServeRun> runs = new ArrayList<>(repeat);
        for (int r = 0; r < repeat; r++) {
            spec.commandLine().getErr().println(startLine(r, target));
            ServeRun run = ServeRun.of(LoadGenerator.run(endpoint, target, settings, r * requests));
            spec.commandLine().getErr().printf(Locale.ROOT, "bench serve: run %d of %d done in %.1f s: %d requests "
                    + "succeeded, %d failed%n", r + 1, repeat, run.wallSeconds(), run.succeeded(), run.failed());
            if (run.succeeded() > 0 && run.measured() == 0) {
                throw new IllegalArgumentException("no request succeeded after the ramp-up of " + rampUpSeconds
                        + " s, so there are no latencies to report: give more --requests or a shorter --ramp-up");
            }
            runs.add(run);
        }
        ServerMemory memory = pid == null ? null : ServerMemory.of(pid);
        ServeReport result = ServeReport.of(commandLine(), endpoint.api().toString(), target, settings, before,
                Machine.now(), runs, warm, memory);
        if (report.json) {
            spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(result));
        } else {
            spec.commandLine().getOut().print(result.markdown());
        }
        spec.commandLine().getOut().flush();
        if (report.write != null) {
            BenchmarksFile.update(report.write, "serve " + target.productName() + " " + clients + " clients"
                    + (rampUpSeconds > 0 ? " ramp-up" : "") + (mixed ? " mixed" : ""), result.markdown());
        }
        return result.failed() == 0 ? 0 : 1;
    }

    /** The command as typed, with the client secret's value replaced: it goes into files others read. */
    private String commandLine() {
        List<String> args = new ArrayList<>(spec.root().commandLine().getParseResult().originalArgs());
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith("--client-secret=")) {
                args.set(i, "--client-secret=***");
            } else if (args.get(i).equals("--client-secret") && i + 1 < args.size()) {
                args.set(i + 1, "***");
            }
        }
        return spec.root().name() + " " + String.join(" ", args);
    }
}
