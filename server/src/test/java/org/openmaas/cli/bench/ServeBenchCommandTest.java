package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.cli.connection.ConfigFile;
import org.openmaas.cli.connection.Settings;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** {@code bench serve} against a real server on loopback, briefly: a functional smoke test, no speeds asserted. */
class ServeBenchCommandTest {

    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.serving(TestModels.tiny());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void concurrentClientsStreamAndTheTablesHaveEveryLatencyAndTheTotals() {
        BenchRun run = bench("--clients", "2", "--requests", "4", "--max-new-tokens", "5",
                "--pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("| per request", "| p50", "| p90", "| p99")
                .contains("| time to first token, ms", "| inter-token latency, ms", "| end-to-end latency, ms",
                        "| output tok/s per stream")
                .contains("| clients", "| aggregate output tok/s", "| requests/s")
                .containsPattern("\\| 2 +\\| 4 +\\| 0 +\\| 20 +\\|")
                .containsPattern("Server RSS after the warm-up: \\d+ MiB; at the end: \\d+ MiB \\(peak \\d+ MiB\\)");
    }

    @Test
    void aMixedLoadSendsStreamsWholeResultsOpenAiCompletionsAndCatalogReads() throws Exception {
        BenchRun run = bench("--clients", "2", "--requests", "8", "--max-new-tokens", "3", "--mixed", "--json");
        BenchRun table = bench("--clients", "2", "--requests", "2", "--max-new-tokens", "3", "--mixed");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(table.out()).contains("2 concurrent clients (going round a stream, a whole result, an OpenAI"
                + " completion and a catalog read), all starting at once");
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("mixed").asBoolean()).isTrue();
        assertThat(json.path("succeeded").asInt()).isEqualTo(8);
        assertThat(json.path("failed").asInt()).isZero();
        // Two of each kind: six generations of 3 tokens; the catalog reads generate none.
        assertThat(json.path("outputTokens").asLong()).isEqualTo(18);
        assertThat(json.path("timeToFirstTokenMs").path("p50").asDouble()).isPositive();
    }

    @Test
    void jsonCountsEveryRequestAndToken() throws Exception {
        BenchRun run = bench("--clients", "3", "--requests", "5", "--max-new-tokens", "3", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("succeeded").asInt()).isEqualTo(5);
        assertThat(json.path("failed").asInt()).isZero();
        assertThat(json.path("outputTokens").asLong()).isEqualTo(15);
        assertThat(json.path("timeToFirstTokenMs").path("p99").asDouble()).isPositive();
    }

    @Test
    void aRampUpStartsTheLastClientAtItsEndAndMeasuresOnlyTheRequestsSentAfterIt() throws Exception {
        BenchRun run = bench("--clients", "2", "--requests", "4", "--max-new-tokens", "3", "--ramp-up", "0.5", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("rampUpSeconds").asDouble()).isEqualTo(0.5);
        assertThat(json.path("succeeded").asInt()).isEqualTo(4);
        // The second client sends requests 1 and 3, both after the ramp-up; the first client's come before it.
        assertThat(json.path("measured").asInt()).isBetween(2, 4);
        assertThat(json.path("wallSeconds").asDouble()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void aRampUpThatOutlastsEveryRequestIsRefusedForWantOfLatencies() {
        BenchRun run = bench("--requests", "2", "--max-new-tokens", "2", "--ramp-up", "5");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("no request succeeded after the ramp-up", "shorter --ramp-up");
    }

    @Test
    void aRampUpMustFitInTheDuration() {
        assertThat(bench("--ramp-up", "-1").err()).contains("--ramp-up must be at least 0 and shorter than --duration");
        assertThat(bench("--ramp-up", "10", "--duration", "10").err())
                .contains("--ramp-up must be at least 0 and shorter than --duration (10 s): 10.0 s");
    }

    @Test
    void theClientSecretNeverReachesTheOutputOrTheBenchmarksFile() throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        BenchRun run = bench("--requests", "1", "--max-new-tokens", "2", "--write", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain(TestServer.CLIENT_SECRET).contains("--client-secret ***");
        assertThat(Files.readString(file)).doesNotContain(TestServer.CLIENT_SECRET).contains("| time to first token");
    }

    @Test
    void wrongCredentialsFailWithTheTokenEndpointsAnswer() {
        BenchRun run = BenchRun.of("serve", "--base-url", server.uri("/v1/maas").toString(),
                "--client-id", TestServer.CLIENT_ID, "--client-secret", "wrong-secret-0123456789",
                "--cloud-account", TestServer.ACCOUNT, "--requests", "1");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("401");
    }

    @Test
    void aVariableWinsOverTheLoginConfigFile() {
        Map<String, String> env = withConfigFile(new Settings("http://127.0.0.1:9/v1/maas", null, TestServer.CLIENT_ID,
                "wrong-secret-in-the-file", TestServer.ACCOUNT));
        env.put("MAAS_BASE_URL", server.uri("/v1/maas").toString());
        env.put("MAAS_CLIENT_SECRET", TestServer.CLIENT_SECRET);

        BenchRun run = BenchRun.of(env, "serve", "--requests", "1", "--max-new-tokens", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(server.uri("/v1/maas") + " (MaaS API), product ");
    }

    @Test
    void aFlagWinsOverTheVariable() {
        Map<String, String> env = withConfigFile(new Settings(server.uri("/v1/maas").toString(), null,
                TestServer.CLIENT_ID, null, TestServer.ACCOUNT));
        env.put("MAAS_CLIENT_SECRET", TestServer.CLIENT_SECRET);

        BenchRun run = BenchRun.of(env, "serve", "--client-secret", "wrong-secret-0123456789", "--requests", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("maas bench serve: client authentication failed").contains("HTTP 401");
    }

    @Test
    void aMissingSecretIsNamedWithEveryWayToGiveIt() {
        BenchRun run = BenchRun.of("serve", "--base-url", server.uri("/v1/maas").toString(), "--client-id",
                TestServer.CLIENT_ID, "--cloud-account", TestServer.ACCOUNT);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas bench serve: no client secret is configured: give --client-secret, set "
                + "MAAS_CLIENT_SECRET, or save it with `maas login`" + System.lineSeparator());
    }

    @Test
    void repeatedRunsReportTheBestOfEveryNumberAndEveryRun() throws Exception {
        BenchRun run = bench("--clients", "2", "--requests", "4", "--max-new-tokens", "3", "--repeat", "3", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("repeats").asInt()).isEqualTo(3);
        assertThat(json.path("succeeded").asInt()).isEqualTo(12);
        assertThat(json.path("outputTokens").asLong()).isEqualTo(36);
        JsonNode runs = json.path("runs");
        assertThat(runs).hasSize(3);
        double fastestFirstToken = Double.MAX_VALUE;
        double mostTokensPerSecond = 0;
        for (JsonNode each : runs) {
            assertThat(each.path("succeeded").asInt()).isEqualTo(4);
            fastestFirstToken = Math.min(fastestFirstToken, each.path("timeToFirstTokenMs").path("p50").asDouble());
            mostTokensPerSecond = Math.max(mostTokensPerSecond, each.path("aggregateTokensPerSecond").asDouble());
        }
        assertThat(json.path("timeToFirstTokenMs").path("p50").asDouble()).isEqualTo(fastestFirstToken);
        assertThat(json.path("aggregateTokensPerSecond").asDouble()).isEqualTo(mostTokensPerSecond);
    }

    @Test
    void theTablesOfRepeatedRunsSayso() {
        BenchRun run = bench("--requests", "1", "--max-new-tokens", "3", "--repeat", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("best of 2 runs (all runs in brackets)")
                .containsPattern("\\| time to first token, ms \\| [0-9.]+ \\([0-9.]+, [0-9.]+\\)");
        assertThat(run.err()).contains("run 2 of 2");
    }

    @Test
    void eachRunSaysOnStderrWhichOfHowManyItIsAndWhatItMeasures() {
        BenchRun run = bench("--requests", "2", "--max-new-tokens", "3", "--clients", "2", "--repeat", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err().lines().filter(line -> line.startsWith("bench serve: run ")))
                .hasSize(4)
                .first().asString().matches("bench serve: run 1 of 2: 2 requests of 3 new tokens to \\S+ from 2 "
                        + "concurrent client\\(s\\), streaming \\(at most 300 s\\)\\.\\.\\.");
        assertThat(run.err()).containsPattern("bench serve: run 2 of 2 done in [0-9.]+ s: 2 requests succeeded, 0 failed");
        assertThat(run.out()).doesNotContain("bench serve: run"); // the report alone on stdout, for pipes
    }

    @Test
    void repeatedRampUpRunsSayHowManyRequestsEachMeasured() {
        BenchRun run = bench("--clients", "2", "--requests", "4", "--max-new-tokens", "2", "--ramp-up", "0.3",
                "--repeat", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("latencies of the requests sent after 0\\.3 s: [2-4], [2-4] in the 2 runs");
    }

    @Test
    void aRepeatBelowOneIsRefused() {
        BenchRun run = bench("--repeat", "0");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--repeat must be at least 1: 0");
    }

    private Map<String, String> withConfigFile(Settings settings) {
        Path config = dir.resolve("config.toml");
        ConfigFile.write(config, settings);
        Map<String, String> env = new HashMap<>();
        env.put(ConfigFile.ENV_CONFIG, config.toString());
        return env;
    }

    private static BenchRun bench(String... options) {
        String[] args = new String[options.length + 9];
        String[] credentials = {"serve", "--base-url", server.uri("/").toString(), "--client-id", TestServer.CLIENT_ID,
                "--client-secret", TestServer.CLIENT_SECRET, "--cloud-account", TestServer.ACCOUNT};
        System.arraycopy(credentials, 0, args, 0, credentials.length);
        System.arraycopy(options, 0, args, credentials.length, options.length);
        return BenchRun.of(args);
    }
}
