package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;

/**
 * {@code bench gateway} with real processes: a llama-server and a {@code maas serve} in front of it, a tiny load.
 * Functional only: both sides ran and counted the same tokens, and the table was written; never a speed.
 */
class GatewayBenchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theSameLoadRunsStraightAndThroughTheGatewayRoundByRoundAndCountsTheSameTokens() throws Exception {
        Path docs = dir.resolve("BENCHMARKS.md");
        BenchRun run = BenchRun.of("gateway", "--llama-tools", System.getenv(LlamaServerProcess.TOOLS_ENV),
                "--model", TestModels.tiny().getFirst().toString(), "--slots", "2", "--clients", "2",
                "--requests", "4", "--max-new-tokens", "4", "--rounds", "2", "--warmup-requests", "6", "--json",
                "--write", docs.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        for (String side : new String[] {"direct", "gateway"}) {
            assertThat(json.path(side)).as(side).hasSize(2);
            for (JsonNode each : json.path(side)) {
                assertThat(each.path("succeeded").asInt()).as(side).isEqualTo(4);
                assertThat(each.path("failed").asInt()).as(side).isZero();
                assertThat(each.path("outputTokens").asLong()).as(side).isEqualTo(16);
            }
            for (JsonNode cpu : json.path(side + "Cpu")) {
                assertThat(cpu.path("outputTokens").asLong()).as(side).isEqualTo(16);
                assertThat(cpu.path("llamaServerSeconds").asDouble()).as(side).isNotNegative();
            }
            assertThat(json.path(side + "Cpu")).as(side).hasSize(2);
            // 4 requests on 2 slots: every request after a slot's first starts an idle interval in llama-server's log
            assertThat(json.path(side + "Idle")).as(side).hasSize(2);
            for (JsonNode idle : json.path(side + "Idle")) {
                assertThat(idle.path("gaps").asInt()).as(side).isGreaterThanOrEqualTo(2);
            }
        }
        assertThat(run.err()).containsSubsequence("6 one-token requests at OpenMaaS", "round 1 of 2, direct",
                "round 1 of 2, through the gateway", "round 2 of 2, through the gateway", "round 2 of 2, direct");
        String table = Files.readString(docs);
        assertThat(table).contains("<!-- bench:gateway ", "gateway/direct", "≥ 0.97×", "≤ +5 ms",
                        "After 6 one-token requests and 30 unmeasured run(s)")
                .containsPattern("\\| aggregate output tok/s +\\|")
                .containsPattern("\\| time to first token p50, ms +\\|")
                .containsPattern("\\| llama-server CPU µs per output token +\\|")
                .containsPattern("\\| gateway CPU µs per output token +\\| - +\\|")
                .containsPattern("\\| llama-server slot idle between requests, mean ms +\\|")
                .containsPattern("\\| output tokens, requests ok / failed +\\| 32, 8 / 0 +\\| 32, 8 / 0 +\\|");
    }

    @Test
    void withTheEmbeddedEngineOpenMaasServesTheModelItselfBesideLlamaServerAndReportsBothMemories() throws Exception {
        Path docs = dir.resolve("BENCHMARKS.md");
        BenchRun run = BenchRun.of("gateway", "--openmaas", "embedded", "--llama-tools",
                System.getenv(LlamaServerProcess.TOOLS_ENV), "--model", TestModels.tiny().getFirst().toString(),
                "--slots", "2", "--clients", "2", "--requests", "2", "--max-new-tokens", "4", "--rounds", "1",
                "--warmup-requests", "6", "--write", docs.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).containsSubsequence("round 1 of 1, llama-server", "round 1 of 1, OpenMaaS");
        assertThat(Files.readString(docs)).contains("<!-- bench:llama-server ", "OpenMaaS/llama-server", "≥ 1.00×",
                        "≤ +0 ms", "≤ 1.00×", "embedded engine")
                .containsPattern("\\| output tokens, requests ok / failed +\\| 8, 2 / 0 +\\| 8, 2 / 0 +\\|")
                .containsPattern("\\| resident memory at the end \\(peak\\), MiB +\\| \\d+ \\(\\d+\\) +\\| \\d+ \\(\\d+\\) +\\|");
    }

    @Test
    void theHelpSaysWhyTheGatewayIsWarmedWithOneTokenRequestsWithItsPercentagesIntact() {
        BenchRun run = BenchRun.of("gateway", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out() + run.err()).doesNotContain("Could not format")
                .contains("--warmup-requests=N", "7-15% of the gateway's CPU", "2-5% after these");
    }

    @Test
    void aFolderWithoutLlamaServerIsRefusedSayingHowToBuildIt() {
        BenchRun run = BenchRun.of("gateway", "--llama-tools", dir.toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("no executable llama-server in " + dir, "scripts/llama-cpp.sh tools");
    }
}
