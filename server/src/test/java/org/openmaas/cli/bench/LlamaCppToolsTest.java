package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run of a tool whose result line was lost (llama.cpp's logger is not flushed at exit) goes again. Stand-in scripts
 * play the tools: the loss cannot be caused on demand with the real ones.
 */
class LlamaCppToolsTest {

    /** Prints nothing on its first {@code silentRuns} runs, then a result line; counts its runs in NAME.runs. */
    private static void tool(Path folder, String name, int silentRuns) throws Exception {
        Path script = Files.writeString(folder.resolve(name), """
                #!/bin/sh
                n=$(cat "$0.runs" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$0.runs"
                [ "$n" -gt %d ] && echo '{"avg_ts": 95.5, "speed_tg": 177.9}'
                exit 0
                """.formatted(silentRuns));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static int runs(Path folder, String name) throws Exception {
        return Integer.parseInt(Files.readString(folder.resolve(name + ".runs")).strip());
    }

    @Test
    void aRunThatPrintedNoResultGoesAgain(@TempDir Path folder) throws Exception {
        tool(folder, "llama-bench", 0);
        tool(folder, "llama-batched-bench", 2);

        double rate = LlamaCppTools.in(folder).aggregateRate(Path.of("model.gguf"), 2, 512, 8, 29, 64);

        assertThat(rate).isEqualTo(177.9);
        assertThat(runs(folder, "llama-batched-bench")).isEqualTo(3);
    }

    @Test
    void aToolThatNeverPrintsAResultFailsAfterThreeRuns(@TempDir Path folder) throws Exception {
        tool(folder, "llama-bench", Integer.MAX_VALUE);
        tool(folder, "llama-batched-bench", 0);

        assertThatThrownBy(() -> LlamaCppTools.in(folder).decodeRate(Path.of("model.gguf"), 2, 64, 29))
                .hasMessageContaining("the tool printed no results");
        assertThat(runs(folder, "llama-bench")).isEqualTo(3);
    }
}
