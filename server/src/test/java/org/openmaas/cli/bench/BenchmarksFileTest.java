package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarksFileTest {

    @TempDir
    Path dir;

    @Test
    void aNewResultIsAppendedAndTheNextRunOfTheSameBenchmarkReplacesItKeepingTheTextAround() throws Exception {
        Path file = dir.resolve("docs/BENCHMARKS.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# Benchmarks\n\nHow we measure.\n");

        BenchmarksFile.update(file, "engine a.gguf", "| old |");
        BenchmarksFile.update(file, "serve x 1 clients", "| serve |");
        BenchmarksFile.update(file, "engine a.gguf", "| new |");

        assertThat(Files.readString(file)).isEqualTo("""
                # Benchmarks

                How we measure.

                <!-- bench:engine a.gguf -->
                | new |
                <!-- /bench:engine a.gguf -->

                <!-- bench:serve x 1 clients -->
                | serve |
                <!-- /bench:serve x 1 clients -->
                """);
    }

    @Test
    void aMissingFileIsCreatedWithItsFolder() throws Exception {
        Path file = dir.resolve("new/BENCHMARKS.md");

        BenchmarksFile.update(file, "k", "text");

        assertThat(Files.readString(file)).isEqualTo("<!-- bench:k -->\ntext\n<!-- /bench:k -->\n");
    }
}
