package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;

/** A functional smoke test only: both sides run briefly on a tiny model and the table has its rows. No speeds. */
class EngineBenchCommandTest {

    private static final Path TINY = TestModels.generated(RandomLlama.Spec.tiny());

    @Test
    void bothSidesRunAndTheTableHasAThroughputRowPerPhaseAndADivergenceRowPerConcurrency() {
        BenchRun run = BenchRun.of("engine", "--model", TINY.toString(), "--max-new-tokens", "4", "--context", "256",
                "--concurrency", "2", "--prompt-tokens", "64");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("| measure", "| OpenMaaS", "| java-llama.cpp", "OpenMaaS / java-llama.cpp")
                .contains("| prompt processing: pp64 tok/s", "| single stream: decode tok/s",
                        "| 2 concurrent: generation tok/s", "| 2 concurrent: with prompts tok/s")
                .contains("| 2 concurrent  ", "of 2 differ")
                .contains("bench engine --model " + TINY);
    }

    @Test
    void jsonCarriesEveryMeasureWithItsRatio() throws Exception {
        BenchRun run = BenchRun.of("engine", "--model", TINY.toString(), "--max-new-tokens", "8", "--context", "256",
                "--concurrency", "2", "--prompt-tokens", "64", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("measures")).hasSize(4);
        for (JsonNode measure : json.path("measures")) {
            assertThat(measure.path("openmaas").asDouble()).isPositive();
            assertThat(measure.path("javaLlamaCpp").asDouble()).isPositive();
            assertThat(measure.path("ratio").asDouble()).isPositive();
        }
        assertThat(json.path("divergence").get(0).path("sequences").asInt()).isEqualTo(2);
    }

    @Test
    void llamaCppsToolsRunBesideEachMeasurementInTurnsAfterPromptsAsLongAsTheEngines() {
        BenchRun run = BenchRun.of("engine", "--model", TINY.toString(), "--max-new-tokens", "4", "--context", "256",
                "--concurrency", "2", "--prompt-tokens", "64", "--repeat", "2", "--llama-tools",
                System.getenv(LlamaServerProcess.TOOLS_ENV));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("| llama.cpp tools", "| OpenMaaS / llama.cpp")
                .containsPattern("tg4 after a prompt of [1-9][0-9]* tokens")
                .containsPattern("after prompts of [1-9][0-9]* \\(2 at once\\)");
        // the tool after OpenMaaS in the first round, before it in the second, java-llama.cpp's worker after both
        assertThat(run.err().lines().filter(line -> line.startsWith("bench engine:"))
                .map(line -> line.replaceAll("@ d[1-9][0-9]*", "@ dN")).toList()).containsSubsequence(
                "bench engine: openmaas, 2 at once (round 1 of 2)...",
                "bench engine: llama-batched-bench at 2 @ dN (round 1 of 2)...",
                "bench engine: llama-batched-bench at 2 @ dN (round 2 of 2)...",
                "bench engine: openmaas, 2 at once (round 2 of 2)...",
                "bench engine: java-llama.cpp, 2 at once (round 1 of 2)...",
                "bench engine: java-llama.cpp, 2 at once (round 2 of 2)...");
    }

    @Test
    void aWorkerThatCannotLoadTheModelFailsTheCommandWithTheEndOfItsOutput(@TempDir Path dir) throws Exception {
        Path notAModel = Files.writeString(dir.resolve("notes.gguf"), "not a GGUF file");

        BenchRun run = BenchRun.of("engine", "--model", notAModel.toString(), "--concurrency", "2");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("the openmaas-1 worker ended (exit 1); the end of its output:");
    }

    @Test
    void aMissingModelIsRefusedBeforeAnythingRuns() {
        BenchRun run = BenchRun.of("engine", "--model", "/nonexistent/model.gguf");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out()).isEmpty();
    }
}
