package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.gguf.GgufReader;

class MakeModelCommandTest {

    @TempDir
    Path dir;

    @Test
    void theTinyModelIsWrittenWhereAskedAndReadsBackAsALlamaGguf() throws Exception {
        Path file = dir.resolve("tiny.gguf");

        BenchRun run = BenchRun.of("make-model", "--size", "tiny", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("wrote " + file + ": random-llama-tiny,").contains("parameters");
        assertThat(GgufReader.read(file).architecture()).isEqualTo("llama");
    }

    @Test
    void missingFoldersOnTheWayToTheFileAreMade() throws Exception {
        Path file = dir.resolve("models/bench/tiny.gguf");

        BenchRun run = BenchRun.of("make-model", "--size", "tiny", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(GgufReader.read(file).architecture()).isEqualTo("llama");
    }
}
