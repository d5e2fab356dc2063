package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.cli.connection.ConfigFile;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * {@code bench serve --api openai} against real OpenAI-compatible servers on loopback: OpenMaaS's own OpenAI routes
 * and llama.cpp's {@code llama-server} ({@link LlamaServerProcess}). Functional only: counts, never speeds.
 */
class OpenAiServeBenchTest {

    private static final String LLAMA_KEY = "llama-server-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestServer server;
    private static LlamaServerProcess llamaServer;

    @BeforeAll
    static void start() {
        server = TestServer.serving(TestModels.tiny());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (llamaServer != null) {
            llamaServer.close();
        }
    }

    @Test
    void openMaasOwnOpenAiRoutesAreLoadedWithAnApiKeyAndCountedFromTheStreamsUsage() throws Exception {
        BenchRun run = openAi(server.uri("/").toString(), "--api-key", server.apiKey(), "--clients", "2",
                "--requests", "4", "--max-new-tokens", "5", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.path("api").asText()).isEqualTo("OpenAI API");
        assertThat(json.path("target").asText()).isEqualTo(server.uri("/v1").toString());
        // No --model: the first that GET /v1/models lists, the catalog's one product.
        assertThat(json.path("product").asText()).isEqualTo(JSON.readTree(server.get("/v1/models", server.token())
                .body()).path("data").path(0).path("id").asText());
        assertThat(json.path("succeeded").asInt()).isEqualTo(4);
        assertThat(json.path("failed").asInt()).isZero();
        assertThat(json.path("outputTokens").asLong()).isEqualTo(20);
        assertThat(json.path("timeToFirstTokenMs").path("p50").asDouble()).isPositive();
        assertThat(json.path("interTokenLatencyMs").path("p50").asDouble()).isPositive();
    }

    @Test
    void theTablesNameTheOpenAiApiAndTheModelAndTheKeyNeverAppears() {
        String key = server.apiKey();
        BenchRun run = openAi(server.uri("/v1").toString(), "--api-key", key, "--requests", "1",
                "--max-new-tokens", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(server.uri("/v1") + " (OpenAI API), model ")
                .contains("| time to first token, ms", "| aggregate output tok/s")
                .contains("--api-key ***").doesNotContain(key);
    }

    @Test
    void withoutAKeyTheServersRefusalIsTheError() {
        BenchRun run = openAi(server.uri("/").toString(), "--model", "any", "--requests", "1");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("the warm-up request failed: HTTP 401");
    }

    @Test
    void llamaServerIsLoadedOnItsOpenAiRouteWithItsKey() throws Exception {
        BenchRun run = openAi(llamaServer(), "--api-key", LLAMA_KEY, "--clients", "2", "--requests", "4",
                "--max-new-tokens", "5", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.path("succeeded").asInt()).isEqualTo(4);
        assertThat(json.path("outputTokens").asLong()).isEqualTo(20);
        assertThat(json.path("timeToFirstTokenMs").path("p50").asDouble()).isPositive();
        assertThat(json.path("tokensPerSecondPerStream").path("p50").asDouble()).isPositive();
    }

    @Test
    void theKeyMayComeFromOpenAiApiKeyAndAWrongOneIsTheServersAnswer() {
        String url = llamaServer();
        BenchRun fromVariable = BenchRun.of(environment(LLAMA_KEY), "serve", "--api", "openai", "--base-url", url,
                "--requests", "1", "--max-new-tokens", "2");
        BenchRun wrong = BenchRun.of(environment("not-the-key"), "serve", "--api", "openai", "--base-url", url,
                "--requests", "1");

        assertThat(fromVariable.exitCode()).as(fromVariable.err()).isZero();
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.err()).contains("HTTP 401", "Invalid API Key", "--api-key or OPENAI_API_KEY");
    }

    @Test
    void anUnknownApiIsRefusedNamingTheTwo() {
        BenchRun run = BenchRun.of("serve", "--api", "grpc");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--api must be maas or openai, got 'grpc'");
    }

    @Test
    void theOptionsOfOneApiAreRefusedWithTheOther() {
        assertThat(BenchRun.of("serve", "--api", "openai", "--product", "p").err())
                .contains("--product belongs to --api maas; with --api openai use --model");
        assertThat(BenchRun.of("serve", "--model", "m").err())
                .contains("--model belongs to --api openai; with --api maas use --product");
        assertThat(BenchRun.of("serve", "--api-key", "k").err())
                .contains("--api-key belongs to --api openai; with --api maas use --client-id and --client-secret");
        assertThat(BenchRun.of("serve", "--api", "openai", "--mixed").err())
                .contains("--mixed goes round the MaaS API's kinds of request");
    }

    @Test
    void aServerUrlMeansItsV1() {
        assertThat(OpenAiEndpoint.apiBase("http://gpu-1:8000")).hasToString("http://gpu-1:8000/v1");
        assertThat(OpenAiEndpoint.apiBase("http://gpu-1:8000/v1/")).hasToString("http://gpu-1:8000/v1");
        assertThat(OpenAiEndpoint.apiBase("https://gateway/vllm")).hasToString("https://gateway/vllm/v1");
    }

    private static BenchRun openAi(String url, String... options) {
        String[] args = new String[options.length + 5];
        System.arraycopy(new String[] {"serve", "--api", "openai", "--base-url", url}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        return BenchRun.of(args);
    }

    private static Map<String, String> environment(String apiKey) {
        return Map.of(ConfigFile.ENV_CONFIG, Path.of("target", "no-such-config.toml").toString(),
                "OPENAI_API_KEY", apiKey);
    }

    /** A real llama-server on the tiny model with two slots and a key, started once for the tests that use it. */
    private static synchronized String llamaServer() {
        if (llamaServer == null) {
            llamaServer = LlamaServerProcess.start(TestModels.tiny().getFirst(), 2, 512, LLAMA_KEY);
        }
        return llamaServer.endpoint().toString();
    }
}
