package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EngineBenchWorker} JVM, started with this JVM's class path for one phase: loaded and warmed up once, then
 * asked for one measurement after another. Closing it ends the worker.
 */
final class WorkerProcess implements AutoCloseable {

    /** A measurement is a few hundred tokens, a start a model's load; this only stops a worker that hangs. */
    private static final long TIMEOUT_MINUTES = 30;

    /** The system property through which ./maas passes the llama.cpp libraries' folder (NativeLibrary reads it). */
    private static final String LLAMA_LIB_PROPERTY = "openmaas.llama.lib";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final Writer requests;
    private final Path log;
    /** Result lines as the worker prints them; an empty one when its output ended. */
    private final BlockingQueue<Optional<String>> results = new LinkedBlockingQueue<>();

    private WorkerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.requests = process.outputWriter(StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name(name + "-output").start(this::readOutput);
    }

    /**
     * Starts a worker that loads {@code phase}'s side and warms it up with the phase's prompts.
     *
     * @param dir where the phase and the worker's log (llama.cpp's, its errors) go
     */
    static WorkerProcess start(EnginePhase phase, Path dir) throws IOException {
        String name = phase.side() + "-" + phase.slots() + (phase.promptTokens() > 0 ? "-pp" : "");
        Path phaseFile = dir.resolve(name + ".phase.json");
        Path log = dir.resolve(name + ".log");
        JSON.writeValue(phaseFile.toFile(), phase);
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xmx1g",
                // java-llama.cpp's extracted library is cached in the temp folder; ./maas names llama.cpp's folder
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-D" + LLAMA_LIB_PROPERTY + "=" + System.getProperty(LLAMA_LIB_PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"),
                EngineBenchWorker.class.getName(), phaseFile.toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())) // beside its library's stdout lines
                .start();
        return new WorkerProcess(name, process, log);
    }

    /** Measures the phase once more, with {@code prompts}; blocks until the worker answers. */
    EnginePhase.Result measure(List<String> prompts) throws IOException, InterruptedException {
        try {
            requests.write(JSON.writeValueAsString(prompts) + "\n");
            requests.flush();
        } catch (IOException e) {
            throw ended(); // its input is closed: it has exited
        }
        Optional<String> line = results.poll(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (line == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the " + name + " worker did not answer in " + TIMEOUT_MINUTES
                    + " minutes; its output is in " + log);
        }
        if (line.isEmpty()) {
            throw ended();
        }
        return JSON.readValue(line.get(), EnginePhase.Result.class);
    }

    /** Why the worker is gone, from its exit status and the end of its log. */
    private IllegalStateException ended() throws IOException, InterruptedException {
        process.waitFor(1, TimeUnit.MINUTES);
        return new IllegalStateException("the " + name + " worker ended" + (process.isAlive() ? ""
                : " (exit " + process.exitValue() + ")") + "; the end of its output:\n" + tail());
    }

    /** Ends the worker: its input ends, it exits. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            requests.close();
        } catch (IOException e) {
            // it has already exited
        }
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
    }

    /** Result lines to the queue, a library's lines on standard output to the log. */
    private void readOutput() {
        try (BufferedReader output = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                if (line.startsWith(EngineBenchWorker.RESULT)) {
                    results.add(Optional.of(line.substring(EngineBenchWorker.RESULT.length())));
                } else {
                    Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            // the worker is gone: the empty line below says so
        } finally {
            results.add(Optional.empty());
        }
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
