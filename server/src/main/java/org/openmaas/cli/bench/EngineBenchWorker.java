package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one {@link EnginePhase} of {@code bench engine} in a JVM of its own and writes its result as JSON: {@code
 * EngineBenchWorker PHASE.json RESULT.json}. Each side and each slot count gets a fresh process, so neither library's
 * threads, OpenMP pool or memory are in the other's process, java-llama.cpp's threads cannot keep the command alive,
 * and both start equally cold and warm up alike.
 */
public final class EngineBenchWorker {

    /**
     * Tokens of the unmeasured generation that first pages the weights in, starts the compute threads and lets the JIT
     * compile each side's per-token path, so the phase measures a server's steady state. (Measured on the benchmark
     * model: over the first 100 tokens of a fresh JVM the engine thread spent 1–2 ms a token outside llama_decode, and
     * the compiler threads slowed llama_decode itself by about 1 ms; after 300 tokens, 0.3 ms.)
     */
    private static final int WARM_UP_TOKENS = 300;

    private EngineBenchWorker() {
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            ObjectMapper json = new ObjectMapper();
            EnginePhase phase = json.readValue(Path.of(args[0]).toFile(), EnginePhase.class);
            json.writeValue(Path.of(args[1]).toFile(), run(phase));
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status); // java-llama.cpp's threads would keep the JVM alive
    }

    static EnginePhase.Result run(EnginePhase phase) throws Exception {
        try (EngineSide side = phase.side().equals(EnginePhase.OPENMAAS)
                ? new OpenMaasSide(phase) : new JavaLlamaCppSide(phase)) {
            List<EnginePhase.Run> runs = new ArrayList<>();
            if (phase.promptTokens() > 0) {
                // The warm-up prompts page in the big batch's buffers and let the JIT compile the per-prompt Java,
                // which after one prompt was still compiling through the measured ones (C2 at 1.7% of their CPU on
                // 2 cores). The prompts share no prefix with each other.
                int warmUps = phase.prompts().size() - EnginePhase.MEASURED_PROMPTS;
                for (int i = 0; i < warmUps; i++) {
                    side.processPrompt(-1, phase.prompts().get(i), phase.promptTokens(), System.nanoTime());
                }
                long epoch = System.nanoTime();
                for (int i = warmUps; i < phase.prompts().size(); i++) {
                    runs.add(side.processPrompt(i, phase.prompts().get(i), phase.promptTokens(), epoch));
                }
                return new EnginePhase.Result(phase, runs, runs.getLast().lastNanos());
            }
            // In generations of at most half a sequence's context, so the warm-up fits whatever --context says.
            int perGeneration = Math.max(1, Math.min(WARM_UP_TOKENS, phase.contextPerSequence() / 2));
            for (int done = 0; done < WARM_UP_TOKENS; done += perGeneration) {
                side.generate(-1, phase.prompts().getFirst(), perGeneration, System.nanoTime());
            }
            long epoch = System.nanoTime();
            if (phase.concurrent()) {
                try (ExecutorService clients = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
                    List<Future<EnginePhase.Run>> futures = new ArrayList<>();
                    for (int i = 0; i < phase.prompts().size(); i++) {
                        int index = i;
                        futures.add(clients.submit(() -> side.generate(index, phase.prompts().get(index),
                                phase.maxNewTokens(), epoch)));
                    }
                    for (Future<EnginePhase.Run> future : futures) {
                        runs.add(future.get());
                    }
                }
            } else {
                for (int i = 0; i < phase.prompts().size(); i++) {
                    runs.add(side.generate(i, phase.prompts().get(i), phase.maxNewTokens(), epoch));
                }
            }
            long wall = runs.stream().mapToLong(EnginePhase.Run::lastNanos).max().orElse(0);
            return new EnginePhase.Result(phase, runs, wall);
        }
    }
}
