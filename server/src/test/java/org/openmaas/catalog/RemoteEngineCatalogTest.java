package org.openmaas.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openmaas.engine.remote.MaasUpstream;
import org.openmaas.engine.remote.UpstreamTimeouts;

/** The catalog's {@code engine:} block, in the issue's exact syntax, and every mistake in it refused at start. */
class RemoteEngineCatalogTest {

    private static final Map<String, String> ENVIRONMENT = Map.of("UPSTREAM_KEY", "sk-upstream", "MAAS_SECRET", "s3cret");

    @TempDir
    Path dir;

    @Test
    void readsTheIssuesEngineBlockWithTheKeyFromTheEnvironment() throws IOException {
        Path file = write("""
                products:
                  - product_name: maas-model-llama-3.1-8b
                    product_id: ba5d2874-dc83-425e-af98-c810f11dad79
                    model_name: meta-llama/Meta-Llama-3.1-8B-Instruct
                    context_length: 8192
                    engine:
                      type: llama-server          # openai | vllm | llama-server | tgi | maas
                      endpoints: [http://gpu-node-1:8080, http://gpu-node-2:8080]
                      upstream_model: llama-3.1-8b  # optional: the name the upstream knows (default: model_name)
                      api_key_env: UPSTREAM_KEY     # optional: bearer key read from this environment variable
                      max_concurrent: 32            # optional: streams in flight per endpoint before the gateway queues
                """);

        ProductConfig product = CatalogFile.read(file, ENVIRONMENT).getFirst();

        assertThat(product.productId()).isEqualTo(UUID.fromString("ba5d2874-dc83-425e-af98-c810f11dad79"));
        assertThat(product.modelName()).isEqualTo("meta-llama/Meta-Llama-3.1-8B-Instruct");
        assertThat(product.contextLength()).isEqualTo(8192);
        assertThat(product.source()).isEqualTo(new ModelSource.Remote(new RemoteEngineConfig(UpstreamType.LLAMA_SERVER,
                List.of(URI.create("http://gpu-node-1:8080"), URI.create("http://gpu-node-2:8080")), "llama-3.1-8b",
                Optional.of("sk-upstream"), 32, Optional.empty(), Optional.empty(), UpstreamTimeouts.DEFAULTS)));
        assertThat(product.source().toString()).doesNotContain("sk-upstream");
    }

    @Test
    void theUpstreamModelDefaultsToTheModelNameAndAnEndpointLosesItsTrailingSlash() throws IOException {
        Path file = write("""
                products:
                  - product_name: qwen
                    model_name: Qwen/Qwen2.5-32B-Instruct
                    context_length: 32768
                    prompt_format: chat
                    max_queued: 5
                    engine: {type: vllm, endpoints: ["https://vllm.internal/serving/"]}
                """);

        ProductConfig product = CatalogFile.read(file, Map.of()).getFirst();

        RemoteEngineConfig engine = ((ModelSource.Remote) product.source()).engine();
        assertThat(engine.upstreamModel()).isEqualTo("Qwen/Qwen2.5-32B-Instruct");
        assertThat(engine.endpoints()).containsExactly(URI.create("https://vllm.internal/serving"));
        assertThat(engine.apiKey()).isEmpty();
        assertThat(engine.maxConcurrent()).isEqualTo(RemoteEngineConfig.DEFAULT_MAX_CONCURRENT);
        assertThat(product.promptFormat()).isEqualTo(PromptFormat.CHAT);
        assertThat(product.maxQueued()).isEqualTo(5);
        assertThat(engine.toolCallFormat()).isEmpty();
    }

    @Test
    void aVllmProductNamesTheFormatItsModelWritesToolCallsInAsVllmsParserDoes() throws IOException {
        Path file = write("""
                products:
                  - product_name: hermes
                    model_name: NousResearch/Hermes-3-Llama-3.1-8B
                    context_length: 8192
                    engine: {type: vllm, endpoints: [http://a:1], tool_call_format: hermes}
                """);

        RemoteEngineConfig engine = ((ModelSource.Remote) CatalogFile.read(file, Map.of()).getFirst().source()).engine();

        assertThat(engine.toolCallFormat()).contains("hermes");
    }

    @ParameterizedTest(name = "{0} and {1}")
    @CsvSource(delimiter = '|', textBlock = """
            300  | 2.5   | 300000 | 2500
            5m   | 500ms | 300000 | 500
            1h   | 90s   | 3600000 | 90000
            24h  | 0.01  | 86400000 | 10
            """)
    void theWaitsOnAStreamAreSecondsOrANumberWithItsUnit(String firstToken, String idle, long firstTokenMillis,
                                                         long idleMillis) throws IOException {
        Path file = write("products:\n  - {product_name: slow-70b, model_name: m, context_length: 100, engine: {"
                + "type: vllm, endpoints: [http://a:1], first_token_timeout: " + firstToken + ", idle_timeout: " + idle
                + "}}\n");

        assertThat(engine(file).timeouts()).isEqualTo(new UpstreamTimeouts(Duration.ofMillis(firstTokenMillis),
                Duration.ofMillis(idleMillis)));
    }

    @Test
    void withoutWaitsAStreamGetsAMinuteToItsFirstTokenAndAMinuteBetweenTokens() throws IOException {
        Path file = write("products:\n  - {product_name: r, model_name: m, context_length: 100, engine: {type: tgi, "
                + "endpoints: [http://a:1]}}\n");

        assertThat(engine(file).timeouts()).isEqualTo(new UpstreamTimeouts(Duration.ofSeconds(60),
                Duration.ofSeconds(60)));
    }

    @Test
    void aMaasUpstreamCarriesItsClientCredentialsWithTheSecretFromTheEnvironment() throws IOException {
        Path file = write("""
                products:
                  - product_name: mistral
                    model_name: mistralai/Mistral-7B-Instruct-v0.1
                    context_length: 4096
                    engine:
                      type: maas
                      endpoints: [http://maas-eu:8080]
                      auth_url: http://maas-eu:8080/oauth/token
                      client_id: gateway
                      client_secret_env: MAAS_SECRET
                      cloud_account: acct-7
                      product_name: maas-model-mistral-7b-v0.1
                """);

        RemoteEngineConfig engine = ((ModelSource.Remote) CatalogFile.read(file, ENVIRONMENT).getFirst().source()).engine();

        assertThat(engine.maas()).contains(new MaasUpstream.Account(URI.create("http://maas-eu:8080/oauth/token"),
                "gateway", "s3cret", "acct-7", "maas-model-mistral-7b-v0.1"));
        assertThat(engine.maas().orElseThrow().toString()).doesNotContain("s3cret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unknown type                 | type: sglang, endpoints: [http://a:1]                        | engine.type 'sglang' is not one of: openai, vllm, llama-server, tgi, maas
            no endpoints                    | type: vllm                                                   | engine.endpoints is required
            an empty endpoint list          | type: vllm, endpoints: []                                    | engine.endpoints is required
            a non-http URL                  | type: vllm, endpoints: [ftp://a:1]                           | engine.endpoints 'ftp://a:1' is not an http(s) URL
            a URL with credentials          | type: vllm, endpoints: ['http://u:p@a:1']                    | without credentials
            an endpoint given twice         | type: vllm, endpoints: ['http://a:1', 'http://a:1/']         | lists an endpoint twice
            max_concurrent below one        | type: vllm, endpoints: [http://a:1], max_concurrent: 0      | engine.max_concurrent must be at least 1, got 0
            an unset key variable           | type: openai, endpoints: [http://a:1], api_key_env: NOPE     | engine.api_key_env names NOPE, which is not set
            a maas upstream without fields  | type: maas, endpoints: [http://a:1], client_id: c            | engine.type maas needs engine.auth_url, engine.client_secret_env, engine.cloud_account, engine.product_name
            a maas field on another type    | type: tgi, endpoints: [http://a:1], cloud_account: x         | engine.cloud_account belongs to engine.type maas only, not tgi
            an unknown engine key           | type: tgi, endpoints: [http://a:1], timeout: 5               | unknown key 'engine.timeout'; allowed keys: api_key_env, auth_url
            an unknown tool call format     | type: vllm, endpoints: [http://a:1], tool_call_format: json  | engine.tool_call_format 'json' is not one of: deepseek_v3, granite, hermes, llama3_json, mistral, mistral-small-3.2
            a tool call format not on vLLM  | type: llama-server, endpoints: [http://a:1], tool_call_format: hermes | engine.tool_call_format belongs to engine.type vllm only, not llama-server
            a wait without a number         | type: tgi, endpoints: [http://a:1], first_token_timeout: soon | engine.first_token_timeout 'soon' is not a wait from 10ms to 24h: seconds (90, 2.5) or
            an unknown unit                 | type: tgi, endpoints: [http://a:1], idle_timeout: 2d          | engine.idle_timeout '2d' is not a wait from 10ms to 24h
            a negative wait                 | type: tgi, endpoints: [http://a:1], idle_timeout: -5          | engine.idle_timeout '-5' is not a wait
            a zero wait                     | type: tgi, endpoints: [http://a:1], first_token_timeout: 0    | engine.first_token_timeout '0' is not a wait from 10ms
            a wait over a day               | type: tgi, endpoints: [http://a:1], first_token_timeout: 25h  | engine.first_token_timeout '25h' is not a wait
            """)
    void aMistakeInTheEngineBlockIsRefusedNamingProductAndKey(String mistake, String engine, String message)
            throws IOException {
        Path file = write("products:\n  - {product_name: remote-a, model_name: m, context_length: 100, engine: {"
                + engine + "}}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, ENVIRONMENT)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("catalog file " + file + ", product 1 (remote-a): ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            model beside engine       | model: a.gguf, model_name: m, context_length: 100 | model configures a model this process loads
            slots beside engine       | slots: 4, model_name: m, context_length: 100      | slots configures a model this process loads
            no context length         | model_name: m                                     | context_length is required with an engine: block
            no model name             | context_length: 100                               | model_name is required with an engine: block
            """)
    void aProductKeyThatDoesNotFitARemoteEngineIsRefused(String mistake, String keys, String message)
            throws IOException {
        Path file = write("products:\n  - {product_name: remote-b, " + keys
                + ", engine: {type: vllm, endpoints: [http://a:1]}}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, ENVIRONMENT))
                .hasMessageStartingWith("catalog file " + file + ", product 1 (remote-b): ")
                .hasMessageContaining(message);
    }

    private static RemoteEngineConfig engine(Path catalog) {
        return ((ModelSource.Remote) CatalogFile.read(catalog, Map.of()).getFirst().source()).engine();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("catalog.yaml"), yaml);
    }
}
