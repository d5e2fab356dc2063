package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openmaas.auth.Bootstrap;
import org.openmaas.cli.Main;
import org.openmaas.cli.ServeJvmOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas bench gateway}: what OpenMaaS in front of an engine costs. It starts one llama.cpp {@code llama-server}
 * and one {@code maas serve} whose only product is that server ({@code engine: {type: llama-server}}), then drives
 * {@code bench serve --api openai}'s load straight at llama-server and through the gateway's OpenAI route, the two
 * sides taking turns run by run so that other work on the machine slows both alike. With {@code --openmaas embedded}
 * the OpenMaaS serves the same model itself on its embedded engine instead: OpenMaaS against llama-server.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Measure the gateway's cost: the same streamed /v1/completions load (bench serve --api openai)"
                + " straight at a llama-server this command starts and through an OpenMaaS it starts in front of that"
                + " server, direct and gateway taking turns for --rounds rounds; report the median of the rounds for"
                + " each side, and the median of the rounds' own ratios gateway/direct against the targets (tok/s >="
                + " 0.97x, TTFT p50 within +5 ms). Beside them, from llama-server's own log, how long its slots stood"
                + " idle between requests: the closed loop's turnaround, which the gateway lengthens.",
                "--openmaas embedded: OpenMaaS serves the same GGUF on its own embedded engine (same slots, context and"
                        + " threads) instead of relaying to the llama-server: the two servers side by side (targets:"
                        + " tok/s >= 1.0x, TTFT p50 and p99 no higher).",
                "Both servers listen on free loopback ports and stop when the command ends."})
final class GatewayBenchCommand implements Callable<Integer> {

    /** What the OpenMaaS side runs: a relay to the llama-server, or the model on its own engine. */
    enum Front {
        /** Issue 12's targets: what going through the gateway may cost at most. */
        gateway(0.97, 5, Double.NaN, 30, 15_000),
        /** Issue 13's targets: the embedded engine behind HTTP at least as fast as llama-server. */
        embedded(1.0, 0, 1.0, 5, 1500);

        final double tokensPerSecondRatio;
        final double ttftP50ExtraMs;
        final double ttftP99Ratio; // NaN: no target
        final int warmupRuns; // the default
        final int warmupRequests; // the default

        Front(double tokensPerSecondRatio, double ttftP50ExtraMs, double ttftP99Ratio, int warmupRuns,
              int warmupRequests) {
            this.tokensPerSecondRatio = tokensPerSecondRatio;
            this.ttftP50ExtraMs = ttftP50ExtraMs;
            this.ttftP99Ratio = ttftP99Ratio;
            this.warmupRuns = warmupRuns;
            this.warmupRequests = warmupRequests;
        }
    }

    private static final Duration START_PATIENCE = Duration.ofSeconds(120);
    /** How long the one-token warm-up requests may take: stories260K gets through 15 000 in about a minute. */
    private static final Duration WARMUP_REQUESTS_FOR = Duration.ofMinutes(2);
    private static final String PRODUCT = "maas-model-gateway-bench";
    private static final String LLAMA_SERVER_LOG = "llama-server.log";
    private static final Pattern SERVING = Pattern.compile("is serving .* on http://127\\.0\\.0\\.1:(\\d+)");

    @Option(names = "--llama-tools", paramLabel = "DIR", description = "The folder of llama-server"
            + " (`scripts/llama-cpp.sh tools` builds it and prints the folder; default: env MAAS_LLAMA_TOOLS).")
    Path llamaTools;

    @Option(names = "--model", defaultValue = "../shared/models/stories260K.gguf",
            description = "The GGUF llama-server serves (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--slots", defaultValue = "8", description = "llama-server's slots (-np), also the gateway's"
            + " max_concurrent (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--context", defaultValue = "512", description = "Context tokens per slot (default:"
            + " ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent streams (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", defaultValue = "48", description = "Requests per run (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--ramp-up", defaultValue = "0", paramLabel = "SECONDS", description = "As bench serve's: start"
            + " the clients evenly over this many seconds and measure only the requests sent after (default:"
            + " ${DEFAULT-VALUE}).")
    double rampUpSeconds;

    @Option(names = "--max-new-tokens", defaultValue = "64",
            description = "max_tokens of every request (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of one direct run and one gateway run, the"
            + " gateway first in every other round (default: ${DEFAULT-VALUE}); each number reported is the median of"
            + " its side's runs.")
    int rounds;

    @Option(names = "--warmup-runs", paramLabel = "N", description = {"Unmeasured runs of the whole load at OpenMaaS"
            + " before the rounds, the first of them also straight at llama-server (default: 30 with --openmaas"
            + " gateway, 5 with embedded).",
            "OpenMaaS is a fresh JVM: code that runs once a request reaches the optimizing compiler only after"
                    + " thousands of requests, and until then the compiler takes as much CPU as the gateway (measured:"
                    + " 145 µs of CPU per token after 3 runs of 96 requests, 81 after 30). A server in service has"
                    + " long since compiled it."})
    Integer warmupRuns;

    @Option(names = "--warmup-requests", paramLabel = "N", description = {"Requests of one new token each sent to"
            + " OpenMaaS before the warm-up runs, for at most two minutes (default: 15000 with --openmaas gateway,"
            + " 1500 with embedded).",
            "A request's own code (parsing, admission, settlement, the upstream's connection) runs once a request,"
                    + " and HotSpot's optimizing compiler takes it only after about ten thousand of them: after 30"
                    + " runs of 96 requests the compiler still took 7-15%% of the gateway's CPU in the measured runs"
                    + " (2-5%% after these), its compilations 0.1-0.5 s of CPU each on the CPU the gateway and the"
                    + " clients share. One-token requests with one prompt get there in a minute or two. The embedded"
                    + " engine's request path is no different: one stream's TTFT p50 read +15.1 ms against"
                    + " llama-server's after 1 warm-up run, -12.2 ms after 5 runs and 1500 of these requests."})
    Integer warmupRequests;

    @Option(names = "--openmaas", defaultValue = "gateway", paramLabel = "gateway|embedded",
            description = "gateway: OpenMaaS relays to the llama-server; embedded: it serves the model itself"
                    + " (default: ${DEFAULT-VALUE}).")
    Front front;

    @Option(names = "--upstream-cpus", defaultValue = "auto", paramLabel = "auto|shared|LIST",
            description = {"The CPUs of llama-server (taskset's list: 1, 2-3); the clients and OpenMaaS get the"
                    + " others (default: ${DEFAULT-VALUE}).",
                    "auto: with --openmaas gateway, the upper half of the CPUs, as with an engine on a machine of its"
                            + " own; shared: every process on every CPU (with --openmaas embedded always shared)."})
    String upstreamCpus;

    @Mixin
    ReportOptions report;

    /** The bootstrap client's secret of the gateway this run starts. */
    private final String secret = "bench-" + UUID.randomUUID();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1: " + rounds);
        }
        int warmupRuns = this.warmupRuns != null ? this.warmupRuns : front.warmupRuns;
        int warmupRequests = this.warmupRequests != null ? this.warmupRequests : front.warmupRequests;
        if (warmupRequests < 0) {
            throw new IllegalArgumentException("--warmup-requests must be at least 0: " + warmupRequests);
        }
        if (warmupRuns < 0) {
            throw new IllegalArgumentException("--warmup-runs must be at least 0: " + warmupRuns);
        }
        if (slots < 1 || context < 1) {
            throw new IllegalArgumentException("--slots and --context must be at least 1: " + slots + ", " + context);
        }
        Path server = llamaServer();
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a file; give a GGUF model");
        }
        CpuPlacement placement = front == Front.gateway ? CpuPlacement.parse(upstreamCpus, threads())
                : CpuPlacement.shared();
        LoadGenerator.Settings settings = new LoadGenerator.Settings(clients, requests, Duration.ofHours(1),
                Duration.ofMillis(Math.round(rampUpSeconds * 1000)), maxNewTokens, false);
        Machine machine = Machine.now(); // before the pinning below leaves this JVM fewer CPUs
        Path dir = Files.createTempDirectory("maas-bench-gateway-");
        List<Process> started = new ArrayList<>();
        try (CpuPlacement.Pin pinned = placement.pinThisProcess()) {
            URI direct = startLlamaServer(server, placement, dir, started);
            URI gateway = startOpenMaas(direct, placement, dir, started);
            OpenAiEndpoint straight = new OpenAiEndpoint(OpenAiEndpoint.apiBase(direct.toString()), null, null);
            OpenAiEndpoint through = new OpenAiEndpoint(OpenAiEndpoint.apiBase(gateway.toString()), token(gateway),
                    PRODUCT);
            for (OpenAiEndpoint side : List.of(straight, through)) {
                Timing warm = side.send(Endpoint.Kind.STREAM, Prompts.get(-1), maxNewTokens);
                if (!warm.ok()) {
                    throw new IllegalStateException("the warm-up request to " + side.api() + " failed: " + warm.error()
                            + " (logs in " + dir + ")");
                }
            }
            int primed = 0;
            if (warmupRequests > 0) {
                spec.commandLine().getErr().printf("bench gateway: up to %d one-token requests at OpenMaaS for at most"
                        + " %d s...%n", warmupRequests, WARMUP_REQUESTS_FOR.toSeconds());
                // All with the first warm-up's prompt: every new prompt stays in llama-server's memory, and 15 000
                // of them slowed it for both sides of every round (straight at it TTFT 32 -> 92 ms, tok/s -30%).
                primed = LoadGenerator.run(through, new LoadGenerator.Settings(clients, warmupRequests,
                        WARMUP_REQUESTS_FOR, Duration.ZERO, 1, false), i -> Prompts.get(-1)).samples().size();
            }
            // Every run sends prompts no run sent before: a repeated prompt would find llama-server's memory of it (its
            // --cache-ram), which a gateway run behind it would then get for free, and an OpenMaaS run would not.
            int runs = 0;
            for (int w = 0; w < warmupRuns; w++) {
                spec.commandLine().getErr().printf("bench gateway: warm-up run %d of %d...%n", w + 1, warmupRuns);
                if (w == 0) {
                    LoadGenerator.run(straight, settings, runs++ * requests); // native: one run warms it
                }
                LoadGenerator.run(through, settings, runs++ * requests);
            }
            Machine before = machine.withCurrentLoad();
            long llamaPid = started.getFirst().pid();
            long openmaasPid = started.getLast().pid();
            List<ServeRun> directRuns = new ArrayList<>();
            List<ServeRun> gatewayRuns = new ArrayList<>();
            List<RunCpu> directCpu = new ArrayList<>();
            List<RunCpu> gatewayCpu = new ArrayList<>();
            List<SlotIdle> directIdle = new ArrayList<>();
            List<SlotIdle> gatewayIdle = new ArrayList<>();
            Path llamaLog = dir.resolve(LLAMA_SERVER_LOG);
            for (int r = 0; r < rounds; r++) {
                // Every other round OpenMaaS goes first: this machine's speed drifts within seconds, and a fixed order
                // would give that drift to one side in every round.
                boolean gatewayFirst = r % 2 == 1;
                for (boolean gatewaySide : gatewayFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    spec.commandLine().getErr().printf("bench gateway: round %d of %d, %s...%n", r + 1, rounds,
                            front == Front.gateway ? (gatewaySide ? "through the gateway" : "direct")
                                    : (gatewaySide ? "OpenMaaS" : "llama-server"));
                    double[] cpu = RunCpu.now(llamaPid, openmaasPid);
                    long logStart = Files.size(llamaLog);
                    ServeRun run = ServeRun.of(LoadGenerator.run(gatewaySide ? through : straight, settings,
                            runs++ * requests));
                    (gatewaySide ? gatewayRuns : directRuns).add(run);
                    (gatewaySide ? gatewayCpu : directCpu).add(RunCpu.since(cpu, llamaPid, openmaasPid,
                            run.outputTokens()));
                    (gatewaySide ? gatewayIdle : directIdle).add(SlotIdle.since(llamaLog, logStart));
                }
            }
            GatewayReport result = GatewayReport.of(commandLine(), model.getFileName().toString(), front, placement,
                    placement.upstreamThreads(machine.cores()), slots, context, settings, primed, warmupRuns,
                    before, machine.withCurrentLoad(), directRuns, gatewayRuns, directCpu, gatewayCpu,
                    directIdle, gatewayIdle, ServerMemory.of(started.getFirst().pid()),
                    ServerMemory.of(started.getLast().pid()));
            report.publish(spec.commandLine().getOut(), result, result.markdown(),
                    (front == Front.gateway ? "gateway " : "llama-server ") + model.getFileName() + " " + clients
                            + " clients");
            return result.failed() == 0 ? 0 : 1;
        } finally {
            for (Process process : started.reversed()) {
                stop(process);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private Path llamaServer() {
        Path folder = llamaTools;
        if (folder == null) {
            String fromEnv = System.getenv("MAAS_LLAMA_TOOLS");
            if (fromEnv == null || fromEnv.isBlank()) {
                throw new IllegalArgumentException("name the folder of llama-server with --llama-tools or"
                        + " MAAS_LLAMA_TOOLS (`scripts/llama-cpp.sh tools` builds it and prints the folder)");
            }
            folder = Path.of(fromEnv);
        }
        Path binary = folder.resolve("llama-server");
        if (!Files.isExecutable(binary)) {
            throw new IllegalArgumentException("no executable llama-server in " + folder
                    + " (`scripts/llama-cpp.sh tools` builds it and prints its folder)");
        }
        return binary;
    }

    private URI startLlamaServer(Path binary, CpuPlacement placement, Path dir, List<Process> started)
            throws Exception {
        int port = freePort();
        Path log = dir.resolve(LLAMA_SERVER_LOG);
        // every CPU it may use, as the embedded engine (llama-server's default counts physical cores only)
        String threads = Integer.toString(placement.upstreamThreads(threads()));
        started.add(new ProcessBuilder(placement.upstream(List.of(binary.toString(), "-m", model.toString(), "--host",
                "127.0.0.1", "--port", Integer.toString(port), "-np", Integer.toString(slots), "-t", threads,
                "-tb", threads, "-c", Integer.toString(slots * context), "--no-webui",
                // the stamped slot lines SlotIdle reads
                "--log-prefix", "--log-timestamps")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        URI uri = URI.create("http://127.0.0.1:" + port);
        Instant deadline = Instant.now().plus(START_PATIENCE);
        HttpClient http = HttpClient.newHttpClient();
        while (Instant.now().isBefore(deadline)) {
            if (!started.getLast().isAlive()) {
                throw new IllegalStateException("llama-server exited: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return uri;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("llama-server was not healthy within " + START_PATIENCE + ": "
                + Files.readString(log));
    }

    private static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * {@code maas serve} in its own JVM, as the launcher runs it, with known bootstrap credentials: one product, the
     * llama-server behind it or the same model on its own engine.
     */
    private URI startOpenMaas(URI upstream, CpuPlacement placement, Path dir, List<Process> started)
            throws Exception {
        String engine = switch (front) {
            case gateway -> "engine: {type: llama-server, endpoints: [\"%s\"], max_concurrent: %d}"
                    .formatted(upstream, slots);
            case embedded -> "model: \"%s\"\n    slots: %d".formatted(model.toAbsolutePath(), slots);
        };
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                products:
                  - product_name: %s
                    model_name: %s
                    context_length: %d
                    %s
                """.formatted(PRODUCT, model.getFileName(), context, engine));
        Path log = dir.resolve("maas-serve.log");
        ProcessBuilder builder = new ProcessBuilder(placement.front(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the launcher's options for serve (see ./maas)
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                ServeJvmOptions.argumentFileIn(dir),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", "0", "--catalog", catalog.toString(),
                "--data-dir", dir.resolve("data").toString())))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as the launcher runs serve
        builder.environment().put(Bootstrap.ENV_ACCOUNT, "123456789012");
        builder.environment().put(Bootstrap.ENV_CLIENT_ID, "bench-gateway");
        builder.environment().put(Bootstrap.ENV_CLIENT_SECRET, secret);
        started.add(builder.start());
        Instant deadline = Instant.now().plus(START_PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            if (!started.getLast().isAlive()) {
                throw new IllegalStateException("maas serve exited: " + Files.readString(log));
            }
            Matcher serving = SERVING.matcher(Files.readString(log));
            if (serving.find()) {
                return URI.create("http://127.0.0.1:" + serving.group(1));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("maas serve did not start within " + START_PATIENCE + ": "
                + Files.readString(log));
    }

    /** An access token of the bootstrap client: the gateway's OpenAI route takes it as the bearer key. */
    private String token(URI gateway) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("bench-gateway:" + secret).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(gateway.resolve("/oauth2/token")).header("Authorization", "Basic " + basic)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the gateway refused the bootstrap client a token: HTTP "
                    + response.statusCode() + " " + response.body());
        }
        return new ObjectMapper().readTree(response.body()).path("access_token").asText();
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The command as typed: it goes into files others read (it holds no secret). */
    private String commandLine() {
        return spec.root().name() + " " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
    }
}
