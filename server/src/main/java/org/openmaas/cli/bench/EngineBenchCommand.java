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
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas bench engine}: the embedded engine against java-llama.cpp's {@code LlamaModel} in one run, same GGUF,
 * threads, prompts, context per sequence and token count, greedy, and against llama.cpp's own tools when they are
 * given. Each side and each measure runs in a worker JVM of its own ({@link EngineBenchWorker}), warmed up once and then
 * measuring every round; llama.cpp's tool runs right beside each of the embedded engine's measurements.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Compare the embedded engine with java-llama.cpp on one GGUF: single-stream decode tokens/s"
                + " (from each sequence's first token to its last) and aggregate tokens/s with N sequences at once"
                + " (all tokens over the wall time), and how often batched greedy output differs from one-at-a-time.",
                "Each side runs in a JVM of its own, one per measure, warmed up once and then measuring each round."})
final class EngineBenchCommand implements Callable<Integer> {

    /** Unmeasured prompts that warm a prompt-processing worker up. */
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
            description = "Measure everything this many times (rounds) and report the best throughput, as on a shared"
                    + " machine other work only slows a run down; with --llama-tools also each round's ratio to the"
                    + " tool's run beside it, their median and its 95% confidence interval (default: ${DEFAULT-VALUE}).")
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
        int most = levels.getLast();
        Machine before = Machine.now();
        Map<String, Map<Integer, List<EnginePhase.Result>>> results = new HashMap<>();
        Optional<LlamaCppTools> tools = Optional.ofNullable(llamaTools).map(LlamaCppTools::in);
        Map<Integer, List<Double>> reference = new HashMap<>(); // slot count (1: llama-bench's tg) -> rate per round
        Map<String, List<EnginePhase.Result>> prompt;
        List<Double> promptReference = new ArrayList<>(); // llama-bench's pp per round
        Path dir = Files.createTempDirectory("maas-bench-engine-");
        try {
            for (int level : levels) {
                // The reference decodes after prompts as long as the embedded engine's first measurement's were.
                Optional<Reference> tool = tools.map(t -> first -> {
                    int depth = EngineReport.meanPromptTokens(first);
                    return level == 1 ? t.decodeRate(model, cores, maxNewTokens, depth)
                            : t.aggregateRate(model, cores, contextPerSequence, level, depth, maxNewTokens);
                });
                String toolName = level == 1 ? "llama-bench tg" + maxNewTokens : "llama-batched-bench at " + level;
                // Alone, the single stream goes through as many prompts as the most at once, one after another, so every
                // concurrent sequence has a one-at-a-time twin in its round; the warm-up's prompt is none of them.
                Map<String, List<EnginePhase.Result>> bySide = measure(
                        side -> phase(side, cores, level, List.of(Prompts.get(repeat * most))),
                        round -> IntStream.range(0, level == 1 ? most : level)
                                .mapToObj(i -> Prompts.get(round * most + i)).toList(),
                        tool, toolName, reference.computeIfAbsent(level, l -> new ArrayList<>()), dir);
                bySide.forEach((side, phases) -> results.computeIfAbsent(side, s -> new HashMap<>()).put(level, phases));
            }
            prompt = measure(side -> promptPhase(side, cores, IntStream.range(0, PROMPT_WARM_UPS)
                            .mapToObj(Prompts::all).toList()),
                    round -> IntStream.range(0, EnginePhase.MEASURED_PROMPTS)
                            .mapToObj(i -> Prompts.all(PROMPT_WARM_UPS + round * EnginePhase.MEASURED_PROMPTS + i))
                            .toList(),
                    tools.map(t -> first -> t.promptRate(model, cores, promptTokens)), "llama-bench pp" + promptTokens,
                    promptReference, dir);
        } finally {
            deleteRecursively(dir);
        }
        EngineReport result = EngineReport.of(commandLine(), model.getFileName().toString(), Files.size(model),
                phase(EnginePhase.OPENMAAS, cores, 1, List.of()), before, Machine.now(), levels.subList(1,
                        levels.size()), results, reference, prompt, promptReference);
        report.publish(spec.commandLine().getOut(), result, result.markdown(), "engine " + model.getFileName());
        return 0;
    }

    /** llama.cpp's tool for one measure, given the embedded engine's first measurement of it. */
    @FunctionalInterface
    private interface Reference {
        double rate(EnginePhase.Result openmaasFirst) throws IOException, InterruptedException;
    }

    /**
     * One measure, {@link #repeat} rounds: each side in one warm worker that measures once a round, with prompts of
     * that round's own. llama.cpp's tool runs in every round right beside the embedded engine's measurement, after it
     * in odd rounds and before it in even ones (it needs the first's prompt length), so each pair is seconds apart and
     * a drift in the machine's speed weighs on both alike: this machine's speed moves by 10–20% within minutes.
     *
     * @param warmUp    the side's phase with the prompts that warm its worker up
     * @param prompts   round (from 0) -> the prompts it measures
     * @param reference what {@code referenceRates} gets a rate of every round from; empty: none
     * @return per side, its measurement of each round
     */
    private Map<String, List<EnginePhase.Result>> measure(Function<String, EnginePhase> warmUp,
            IntFunction<List<String>> prompts, Optional<Reference> reference, String referenceName,
            List<Double> referenceRates, Path dir) throws IOException, InterruptedException {
        Map<String, List<EnginePhase.Result>> bySide = new HashMap<>();
        for (String side : List.of(EnginePhase.OPENMAAS, EnginePhase.JAVA_LLAMA_CPP)) {
            List<EnginePhase.Result> measured = new ArrayList<>();
            EnginePhase phase = warmUp.apply(side);
            boolean paired = side.equals(EnginePhase.OPENMAAS) && reference.isPresent();
            try (WorkerProcess worker = WorkerProcess.start(phase, dir)) {
                for (int round = 0; round < repeat; round++) {
                    if (paired && round % 2 == 1) {
                        referenceRates.add(runReference(reference.get(), measured.getFirst(), referenceName, round));
                    }
                    List<String> roundPrompts = prompts.apply(round);
                    progress(side + ", " + (phase.promptTokens() > 0
                            ? roundPrompts.size() + " prompts of " + phase.promptTokens() + " tokens"
                            : phase.concurrent() ? phase.slots() + " at once"
                            : roundPrompts.size() + " prompts one at a time"), round);
                    measured.add(worker.measure(roundPrompts));
                    if (paired && round % 2 == 0) {
                        referenceRates.add(runReference(reference.get(), measured.getFirst(), referenceName, round));
                    }
                }
            }
            bySide.put(side, measured);
        }
        return bySide;
    }

    private double runReference(Reference reference, EnginePhase.Result openmaasFirst, String name, int round)
            throws IOException, InterruptedException {
        progress(name + (openmaasFirst.phase().promptTokens() > 0 ? ""
                : " @ d" + EngineReport.meanPromptTokens(openmaasFirst)), round);
        return reference.rate(openmaasFirst);
    }

    private void progress(String what, int round) {
        spec.commandLine().getErr().printf("bench engine: %s (round %d of %d)...%n", what, round + 1, repeat);
    }

    /** One side generating at one slot count: with 1, one prompt after another; with more, all at once. */
    private EnginePhase phase(String side, int cores, int slots, List<String> prompts) {
        return new EnginePhase(side, model.toAbsolutePath().toString(), cores, contextPerSequence, slots, maxNewTokens,
                prompts, slots > 1, 0);
    }

    /** One side processing fresh prompts of {@code promptTokens} tokens, one after another. */
    private EnginePhase promptPhase(String side, int cores, List<String> prompts) {
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
