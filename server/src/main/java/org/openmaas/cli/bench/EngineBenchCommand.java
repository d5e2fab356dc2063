package org.openmaas.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas bench engine}: the embedded engine against java-llama.cpp's {@code LlamaModel} in one run, same GGUF,
 * threads, prompts, context per sequence and token count, greedy. Each side and each slot count runs in a worker JVM
 * of its own ({@link EngineBenchWorker}), the two sides alternating so a change in the machine's load hits both.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Compare the embedded engine with java-llama.cpp on one GGUF: single-stream decode tokens/s"
                + " (from each sequence's first token to its last) and aggregate tokens/s with N sequences at once"
                + " (all tokens over the wall time), and how often batched greedy output differs from one-at-a-time.",
                "Each side runs in a JVM of its own, one per slot count."})
final class EngineBenchCommand implements Callable<Integer> {

    /** Unmeasured prompts before a prompt-processing phase's measured ones. */
    private static final int PROMPT_WARM_UPS = 3;

    @Option(names = "--model", required = true, paramLabel = "GGUF", description = "The model both sides load.")
    Path model;

    @Option(names = "--threads", defaultValue = "0", description = "llama.cpp threads, both sides (default: the cores).")
    int threads;

    @Option(names = "--max-new-tokens", defaultValue = "64",
            description = "Tokens generated per prompt (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--context", defaultValue = "512",
            description = "Tokens of context per sequence, both sides (default: ${DEFAULT-VALUE}).")
    int contextPerSequence;

    @Option(names = "--concurrency", split = ",", defaultValue = "4,8",
            description = "Sequences decoded at once in the aggregate runs (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Run every phase this many times, the sides alternating, and report the best throughput:"
                    + " on a shared machine other work only slows a run down (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--llama-tools", paramLabel = "DIR",
            description = "Also run llama.cpp's llama-bench and llama-batched-bench from DIR (scripts/llama-cpp.sh tools"
                    + " prints it) on the same model and threads, as the reference column.")
    Path llamaTools;

    @Option(names = "--prompt-tokens", defaultValue = "512",
            description = "Prompt length of the prompt-processing runs, like llama-bench's pp512 (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Mixin
    ReportOptions report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("no model file " + model);
        }
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(n -> n < 2)) {
            throw new IllegalArgumentException("--concurrency takes sequence counts of 2 or more, e.g. 4,8");
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1: " + repeat);
        }
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        List<Integer> levels = Stream.concat(Stream.of(1), concurrency.stream().sorted()).distinct().toList();
        Machine before = Machine.now();
        Map<String, Map<Integer, List<EnginePhase.Result>>> results = new HashMap<>();
        Optional<LlamaCppTools> tools = Optional.ofNullable(llamaTools).map(LlamaCppTools::in);
        Map<Integer, List<Double>> reference = new HashMap<>(); // slot count (1: llama-bench's tg) -> rate per round
        Map<String, List<EnginePhase.Result>> prompt = new HashMap<>(); // side -> prompt-processing phase per round
        List<Double> promptReference = new ArrayList<>(); // llama-bench's pp per round
        Path dir = Files.createTempDirectory("maas-bench-engine-");
        try {
            // Each measure's llama.cpp reference runs right after the two Java sides' run of it: this machine's speed
            // drifts by 10–20% within minutes, and a ratio of runs minutes apart showed the drift as much as the gap.
            for (int round = 1; round <= repeat; round++) {
                for (int level : levels) {
                    for (String side : List.of(EnginePhase.OPENMAAS, EnginePhase.JAVA_LLAMA_CPP)) {
                        EnginePhase phase = phase(side, cores, level, levels.getLast());
                        spec.commandLine().getErr().printf("bench engine: %s, %s (run %d of %d)...%n", side, level == 1
                                ? phase.prompts().size() + " prompts one at a time" : level + " at once", round, repeat);
                        results.computeIfAbsent(side, s -> new HashMap<>())
                                .computeIfAbsent(level, l -> new ArrayList<>())
                                .add(WorkerProcess.run(phase, dir));
                    }
                    if (tools.isPresent()) {
                        // The reference decodes after prompts as long as the embedded engine's were.
                        int promptTokens = EngineReport.meanPromptTokens(results.get(EnginePhase.OPENMAAS).get(level)
                                .getLast());
                        spec.commandLine().getErr().printf("bench engine: %s (run %d of %d)...%n", level == 1
                                ? "llama-bench tg" + maxNewTokens + " @ d" + promptTokens
                                : "llama-batched-bench at " + level, round, repeat);
                        reference.computeIfAbsent(level, l -> new ArrayList<>()).add(level == 1
                                ? tools.get().decodeRate(model, cores, maxNewTokens, promptTokens)
                                : tools.get().aggregateRate(model, cores, contextPerSequence, level, promptTokens,
                                        maxNewTokens));
                    }
                }
                for (String side : List.of(EnginePhase.OPENMAAS, EnginePhase.JAVA_LLAMA_CPP)) {
                    spec.commandLine().getErr().printf("bench engine: %s, %d-token prompts (run %d of %d)...%n", side,
                            promptTokens, round, repeat);
                    prompt.computeIfAbsent(side, s -> new ArrayList<>()).add(WorkerProcess.run(promptPhase(side, cores), dir));
                }
                if (tools.isPresent()) {
                    spec.commandLine().getErr().printf("bench engine: llama-bench pp%d (run %d of %d)...%n",
                            promptTokens, round, repeat);
                    promptReference.add(tools.get().promptRate(model, cores, promptTokens));
                }
            }
        } finally {
            deleteRecursively(dir);
        }
        EngineReport result = EngineReport.of(commandLine(), model.getFileName().toString(), Files.size(model),
                phase(EnginePhase.OPENMAAS, cores, 1, levels.getLast()), before, Machine.now(), levels.subList(1,
                        levels.size()), results, reference, prompt, promptReference);
        report.publish(spec.commandLine().getOut(), result, result.markdown(), "engine " + model.getFileName());
        return 0;
    }

    /**
     * One side at one slot count: alone (1 slot), the single stream goes through as many prompts as the largest
     * concurrent run has, one after another, so every concurrent sequence has a one-at-a-time twin to compare with.
     */
    private EnginePhase phase(String side, int cores, int slots, int mostSlots) {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < (slots == 1 ? mostSlots : slots); i++) {
            prompts.add(Prompts.get(i));
        }
        return new EnginePhase(side, model.toAbsolutePath().toString(), cores, contextPerSequence, slots, maxNewTokens,
                prompts, slots > 1, 0);
    }

    /** One side processing fresh prompts of {@code promptTokens} tokens, one after another. */
    private EnginePhase promptPhase(String side, int cores) {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < PROMPT_WARM_UPS + EnginePhase.MEASURED_PROMPTS; i++) {
            prompts.add(Prompts.all(i));
        }
        return new EnginePhase(side, model.toAbsolutePath().toString(), cores, promptTokens + 1, 1, 1, prompts, false,
                promptTokens);
    }

    private String commandLine() {
        return spec.root().name() + " " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
