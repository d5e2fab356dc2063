package org.openmaas.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.client.MaasClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas bench serve}: a load generator against a running server, ours or another, speaking only its wire
 * contract — the MaaS API, or with {@code --api openai} any OpenAI-compatible server: N concurrent streaming clients
 * over the fixed prompt set until a request count or a time limit.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Load a running server with N concurrent streaming clients and report TTFT, inter-token and"
                + " end-to-end latency (p50/p90/p99), output tokens/s per stream and in aggregate, and requests/s."
                + " Stops after --requests or --duration, whichever comes first.",
                "--api maas (the default) streams generatestream of a MaaS endpoint and connects as every client-side"
                        + " command does: flags, else MAAS_BASE_URL, MAAS_AUTH_URL, MAAS_CLIENT_ID,"
                        + " MAAS_CLIENT_SECRET and MAAS_CLOUD_ACCOUNT, else the config file of `maas login`, else "
                        + ConnectionOptions.LOCAL_SERVER + ".",
                "--api openai streams /v1/completions of any OpenAI-compatible server (llama-server, vLLM, OpenMaaS's"
                        + " own OpenAI routes) at --base-url (a URL not ending in /v1 means its /v1), with --api-key"
                        + " as its bearer key; a token is a chunk that carries text, the generated tokens are the"
                        + " stream's usage.completion_tokens."})
final class ServeBenchCommand implements Callable<Integer> {

    private static final String MAAS = "maas";
    private static final String OPENAI = "openai";

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--api", defaultValue = MAAS, paramLabel = "maas|openai",
            description = "The API to load: maas (generatestream) or openai (/v1/completions) (default:"
                    + " ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--api-key", paramLabel = "KEY", description = "--api openai: the server's bearer key (env"
            + " OPENAI_API_KEY; default: none). For OpenMaaS, an API key of `POST /v1/api-keys` or an access token.")
    String apiKey;

    @Option(names = "--model", description = "--api openai: the model to ask for (default: the first of GET"
            + " /v1/models).")
    String model;

    @Option(names = "--product", description = "--api maas: the product_name to load (default: the catalog's first).")
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

    @Option(names = "--mixed", description = {"--api maas: each client goes round a stream, a whole result (generate), an OpenAI"
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
        return switch (api) {
            case MAAS -> {
                refuseWith("--model", model, "--product");
                refuseWith("--api-key", apiKey, "--client-id and --client-secret");
                try (MaasClient client = connection.resolve(ConnectionOptions.LOCAL_SERVER).client()) {
                    yield run(new MaasEndpoint(client, product), settings);
                }
            }
            case OPENAI -> {
                refuseWith("--product", product, "--model");
                if (mixed) {
                    throw new IllegalArgumentException("--mixed goes round the MaaS API's kinds of request; with --api"
                            + " openai every request is a streamed completion: leave out --mixed or use --api maas");
                }
                String key = apiKey != null ? apiKey : connection.environment().get("OPENAI_API_KEY");
                String server = connection.resolve(ConnectionOptions.LOCAL_SERVER).serverRoot();
                yield run(new OpenAiEndpoint(OpenAiEndpoint.apiBase(server), key, model), settings);
            }
            default -> throw new IllegalArgumentException("--api must be maas or openai, got '" + api + "'");
        };
    }

    /** An option of the other API is an error, not silently dropped. */
    private void refuseWith(String option, String value, String instead) {
        if (value != null) {
            throw new IllegalArgumentException(option + " belongs to --api " + (api.equals(MAAS) ? OPENAI : MAAS)
                    + "; with --api " + api + " use " + instead);
        }
    }

    /** What run {@code r} is about to measure, so a long benchmark says what it is doing while it does it. */
    private String startLine(int r, Endpoint endpoint) {
        return "bench serve: run " + (r + 1) + " of " + repeat + ": " + requests + " requests of " + maxNewTokens
                + " new tokens to " + endpoint.target() + " from " + clients + " concurrent client(s)"
                + (mixed ? " going round stream, generate, OpenAI completion and catalog" : ", streaming")
                + (rampUpSeconds > 0 ? ", started over " + rampUpSeconds + " s" : "")
                + " (at most " + durationSeconds + " s)...";
    }

    private int run(Endpoint endpoint, LoadGenerator.Settings settings) throws Exception {
        for (int i = 0; i < warmup; i++) {
            // From the end of the set: the measured requests must not find the warm-up's cells.
            Timing timing = endpoint.send(Endpoint.Kind.STREAM, Prompts.get(-1 - i), maxNewTokens);
            if (!timing.ok()) {
                throw new IllegalArgumentException("the warm-up request failed: " + timing.error());
            }
        }
        // After the warm-up: the server has loaded what it loads lazily, so growth from here on is the load's.
        ServerMemory warm = pid == null ? null : ServerMemory.of(pid);
        Machine before = Machine.now();
        List<ServeRun> runs = new ArrayList<>(repeat);
        for (int r = 0; r < repeat; r++) {
            spec.commandLine().getErr().println(startLine(r, endpoint));
            ServeRun run = ServeRun.of(LoadGenerator.run(endpoint, settings, r * requests));
            spec.commandLine().getErr().printf(Locale.ROOT, "bench serve: run %d of %d done in %.1f s: %d requests "
                    + "succeeded, %d failed%n", r + 1, repeat, run.wallSeconds(), run.succeeded(), run.failed());
            if (run.succeeded() > 0 && run.measured() == 0) {
                throw new IllegalArgumentException("no request succeeded after the ramp-up of " + rampUpSeconds
                        + " s, so there are no latencies to report: give more --requests or a shorter --ramp-up");
            }
            runs.add(run);
        }
        ServerMemory memory = pid == null ? null : ServerMemory.of(pid);
        ServeReport result = ServeReport.of(commandLine(), endpoint, settings, before, Machine.now(), runs, warm,
                memory);
        report.publish(spec.commandLine().getOut(), result, result.markdown(), "serve "
                + (api.equals(OPENAI) ? "openai " : "") + endpoint.target() + " " + clients + " clients"
                + (rampUpSeconds > 0 ? " ramp-up" : "") + (mixed ? " mixed" : ""));
        return result.failed() == 0 ? 0 : 1;
    }

    /** The command as typed, with the values of secrets replaced: it goes into files others read. */
    private String commandLine() {
        List<String> args = new ArrayList<>(spec.root().commandLine().getParseResult().originalArgs());
        for (int i = 0; i < args.size(); i++) {
            for (String secret : List.of("--client-secret", "--api-key")) {
                if (args.get(i).startsWith(secret + "=")) {
                    args.set(i, secret + "=***");
                } else if (args.get(i).equals(secret) && i + 1 < args.size()) {
                    args.set(i + 1, "***");
                }
            }
        }
        return spec.root().name() + " " + String.join(" ", args);
    }
}
