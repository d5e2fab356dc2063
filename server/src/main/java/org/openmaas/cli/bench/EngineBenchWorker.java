package org.openmaas.cli.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one {@link EnginePhase} of {@code bench engine} in a JVM of its own: {@code EngineBenchWorker PHASE.json}. It
 * loads the side, warms it up with the phase's prompts, then measures the phase once for every line on its standard
 * input (a JSON array: that measurement's prompts) and answers each with one line on its standard output, {@link
 * #RESULT} and the result as JSON; it exits when its input ends. So one warm process serves a phase's every
 * measurement, and the command can run llama.cpp's tools between them, seconds apart. Each side and each measure
 * (single stream, N at once, prompt processing) gets a process of its own, so neither library's threads, OpenMP pool
 * or memory are in the other's process, and java-llama.cpp's threads cannot keep the command alive.
 */
public final class EngineBenchWorker {

    /** What starts a result line; anything else on standard output is a library's log. */
    static final String RESULT = "maas-bench-result ";

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
        PrintStream results = System.out;
        System.setOut(System.err); // only result lines on standard output
        try {
            ObjectMapper json = new ObjectMapper();
            EnginePhase phase = json.readValue(Path.of(args[0]).toFile(), EnginePhase.class);
            BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (EngineSide side = phase.side().equals(EnginePhase.OPENMAAS)
                    ? new OpenMaasSide(phase) : new JavaLlamaCppSide(phase)) {
                warmUp(side, phase);
                for (String line = requests.readLine(); line != null; line = requests.readLine()) {
                    List<String> prompts = json.readValue(line, new TypeReference<>() { });
                    results.println(RESULT + json.writeValueAsString(measure(side, phase.withPrompts(prompts))));
                    results.flush();
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status); // java-llama.cpp's threads would keep the JVM alive
    }

    /**
     * Pages the weights and, for a prompt-processing phase, the big batch's buffers in, and lets the JIT compile the
     * side's per-token or per-prompt Java (after one 512-token prompt C2 was still compiling through the measured
     * ones, at 1.7% of their CPU on 2 cores).
     */
    private static void warmUp(EngineSide side, EnginePhase phase) throws Exception {
        if (phase.promptTokens() > 0) {
            for (String prompt : phase.prompts()) {
                side.processPrompt(-1, prompt, phase.promptTokens(), System.nanoTime());
            }
            return;
        }
        // In generations of at most half a sequence's context, so the warm-up fits whatever --context says.
        int perGeneration = Math.max(1, Math.min(WARM_UP_TOKENS, phase.contextPerSequence() / 2));
        for (int done = 0; done < WARM_UP_TOKENS; done += perGeneration) {
            side.generate(-1, phase.prompts().getFirst(), perGeneration, System.nanoTime());
        }
    }

    /** One measurement of {@code phase}: its prompts, all at once or one after another. */
    static EnginePhase.Result measure(EngineSide side, EnginePhase phase) throws Exception {
        List<EnginePhase.Run> runs = new ArrayList<>();
        long epoch = System.nanoTime();
        if (phase.promptTokens() > 0) {
            for (int i = 0; i < phase.prompts().size(); i++) {
                runs.add(side.processPrompt(i, phase.prompts().get(i), phase.promptTokens(), epoch));
            }
        } else if (phase.concurrent()) {
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
