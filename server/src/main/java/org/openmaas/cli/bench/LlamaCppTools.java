package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's own benchmark tools, built from the source of the release the embedded engine loads
 * ({@code scripts/llama-cpp.sh tools} builds them and prints their folder): the reference {@code bench engine} measures both Java sides against, on the
 * same GGUF and threads. {@code llama-bench} gives the single-stream decode rate (tg) and the prompt-processing rate
 * (pp), {@code llama-batched-bench} the
 * aggregate generation rate of N sequences (S_TG: generated tokens over the generation time, prompts excluded, each
 * sequence in a KV stream of its own as in the embedded engine).
 */
final class LlamaCppTools {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MINUTES = 30;
    /** Runs of a tool that printed no result before it counts as failed (see {@link #results}). */
    private static final int ATTEMPTS = 3;

    private final Path folder;

    private LlamaCppTools(Path folder) {
        this.folder = folder;
    }

    /** @throws IllegalArgumentException when {@code folder} lacks either tool */
    static LlamaCppTools in(Path folder) {
        if (!Files.isExecutable(folder.resolve("llama-bench")) || !Files.isExecutable(folder.resolve("llama-batched-bench"))) {
            throw new IllegalArgumentException("no llama-bench and llama-batched-bench in " + folder
                    + " (scripts/llama-cpp.sh tools builds them and prints their folder)");
        }
        return new LlamaCppTools(folder);
    }

    Path folder() {
        return folder;
    }

    /**
     * {@code llama-bench}'s tg rate: {@code tokens} generated one at a time after a prompt of {@code depth} tokens (its
     * {@code -d}, processed unmeasured), so that attention reads as many cells as after the Java sides' prompts.
     */
    double decodeRate(Path model, int threads, int tokens, int depth) throws IOException, InterruptedException {
        return results(List.of(folder.resolve("llama-bench").toString(), "-m", model.toString(), "-t",
                String.valueOf(threads), "-p", "0", "-n", String.valueOf(tokens), "-d", String.valueOf(depth), "-r",
                "1", "-o", "jsonl")).getFirst().get("avg_ts").asDouble();
    }

    /** {@code llama-bench}'s pp rate: a prompt of {@code tokens} tokens processed in one batch. */
    double promptRate(Path model, int threads, int tokens) throws IOException, InterruptedException {
        return results(List.of(folder.resolve("llama-bench").toString(), "-m", model.toString(), "-t",
                String.valueOf(threads), "-p", String.valueOf(tokens), "-n", "0", "-r", "1", "-o", "jsonl"))
                .getFirst().get("avg_ts").asDouble();
    }

    /**
     * {@code llama-batched-bench}'s S_TG for {@code sequences} sequences: each a prompt of {@code promptTokens}
     * tokens and then {@code tokens} generated, batches of 512, {@code context} cells per sequence in a KV stream of its
     * own, as the embedded engine keeps them.
     */
    double aggregateRate(Path model, int threads, int context, int sequences, int promptTokens, int tokens)
            throws IOException, InterruptedException {
        return results(List.of(folder.resolve("llama-batched-bench").toString(), "-m", model.toString(),
                "-t", String.valueOf(threads), "-tb", String.valueOf(threads), "-c", String.valueOf(context * sequences),
                "-b", "512", "-ub", "512", "-npp", String.valueOf(promptTokens), "-ntg", String.valueOf(tokens),
                "-npl", String.valueOf(sequences), "--output-format", "jsonl")).getFirst().get("speed_tg").asDouble();
    }

    /**
     * The tool's result lines. {@code llama-batched-bench} prints them through llama.cpp's asynchronous logger, which
     * is left unflushed at exit on purpose (common/log.cpp: "this design may cause logs to be lost"), and a run that
     * exited 0 with nothing on its standard output was seen once (a test run of bench engine): such a run goes again.
     */
    private static List<JsonNode> results(List<String> command) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            String output = run(command);
            if (attempt == ATTEMPTS || output.lines().anyMatch(line -> line.startsWith("{"))) {
                return jsonLines(output);
            }
        }
    }

    /** The JSON objects among a tool's output lines (the tools print their log to stderr, results to stdout). */
    static List<JsonNode> jsonLines(String output) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        if (lines.isEmpty()) {
            throw new IOException("the tool printed no results; its output ended with: "
                    + output.substring(Math.max(0, output.length() - 500)));
        }
        return lines;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("maas-bench-llama-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                String err = Files.readString(log);
                throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                        + err.substring(Math.max(0, err.length() - 500)));
            }
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
