package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts an {@link EngineBenchWorker} JVM for one phase, with this JVM's class path, and reads back its result. */
final class WorkerProcess {

    /** A phase is a few hundred tokens; this only stops a worker that hangs. */
    private static final long TIMEOUT_MINUTES = 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerProcess() {
    }

    /** The system property through which ./maas passes the llama.cpp libraries' folder (NativeLibrary reads it). */
    private static final String LLAMA_LIB_PROPERTY = "openmaas.llama.lib";

    /** @param dir where the phase, its result and the worker's output (llama.cpp's log) go */
    static EnginePhase.Result run(EnginePhase phase, Path dir) throws IOException, InterruptedException {
        String name = phase.side() + "-" + phase.slots();
        Path phaseFile = dir.resolve(name + ".phase.json");
        Path resultFile = dir.resolve(name + ".result.json");
        Path log = dir.resolve(name + ".log");
        JSON.writeValue(phaseFile.toFile(), phase);
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xmx1g",
                // java-llama.cpp's extracted library is cached in the temp folder; ./maas names llama.cpp's folder
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-D" + LLAMA_LIB_PROPERTY + "=" + System.getProperty(LLAMA_LIB_PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"),
                EngineBenchWorker.class.getName(), phaseFile.toString(), resultFile.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the " + name + " worker did not finish in " + TIMEOUT_MINUTES
                    + " minutes; its output is in " + log);
        }
        if (process.exitValue() != 0 || !Files.exists(resultFile)) {
            throw new IllegalStateException("the " + name + " worker failed (exit " + process.exitValue()
                    + "); the end of its output:\n" + tail(log));
        }
        return JSON.readValue(resultFile.toFile(), EnginePhase.Result.class);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
