package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.LoopbackVllm;
import org.openmaas.testing.TestServer;

/**
 * A catalog with a product of each engine type starts a pool for each over that type's protocol: the products are
 * served, listed in the catalog and among the engines, though no upstream answers yet (port 9 refuses). The engine
 * block's settings reach the pool's streams.
 */
class RemoteCatalogServeTest {

    @TempDir
    Path dir;

    @Test
    void eachEngineTypeOfTheCatalogBecomesAServedProduct() throws IOException {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                products:
                  - {product_name: via-llama-server, model_name: m1, context_length: 512,
                     engine: {type: llama-server, endpoints: ["http://127.0.0.1:9"]}}
                  - {product_name: via-vllm, model_name: m2, context_length: 512,
                     engine: {type: vllm, endpoints: ["http://127.0.0.1:9"], api_key_env: UPSTREAM_KEY}}
                  - {product_name: via-tgi, model_name: m3, context_length: 512,
                     engine: {type: tgi, endpoints: ["http://127.0.0.1:9"]}}
                  - {product_name: via-openai, model_name: m4, context_length: 512,
                     engine: {type: openai, endpoints: ["http://127.0.0.1:9"], upstream_model: gpt-x}}
                  - product_name: via-maas
                    model_name: m5
                    context_length: 512
                    engine: {type: maas, endpoints: ["http://127.0.0.1:9/v1/maas"],
                             auth_url: "http://127.0.0.1:9/oauth2/token", client_id: gateway,
                             client_secret_env: UPSTREAM_SECRET, cloud_account: "123456789012",
                             product_name: maas-model-upstream}
                """);

        try (TestServer server = TestServer.start(List.of(), Optional.of(catalog),
                Map.of("UPSTREAM_KEY", "sk-upstream", "UPSTREAM_SECRET", "secret"), Clock.systemUTC())) {
            String token = server.token();
            JsonNode engines = TestServer.json(server.get("/v1/admin/engines", token).body()).path("engines");
            assertThat(engines).extracting(e -> e.path("product_name").asText() + " " + e.path("type").asText())
                    .containsExactly("via-llama-server llama-server", "via-vllm vllm", "via-tgi tgi",
                            "via-openai openai", "via-maas maas");
            assertThat(TestServer.json(server.get("/v1/maas/models", token).body()).path("models"))
                    .extracting(m -> m.path("model_name").asText()).containsExactly("m1", "m2", "m3", "m4", "m5");
            assertThat(server.get("/v1/admin/engines", token).body()).doesNotContain("sk-upstream", "secret\"");
        }
    }

    @Test
    void aRequestAnEndpointSitsOnPastTheProductsFirstTokenTimeoutGoesToAnother() throws IOException {
        try (LoopbackVllm silent = new LoopbackVllm("toy"); LoopbackVllm working = new LoopbackVllm("toy")) {
            silent.pace(Duration.ofMinutes(5)); // its headers at once, then nothing
            Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                    products:
                      - {product_name: slow-70b, model_name: m, context_length: 512,
                         engine: {type: vllm, endpoints: ["%s", "%s"], upstream_model: toy, first_token_timeout: 500ms}}
                    """.formatted(silent.endpoint(), working.endpoint()));

            try (TestServer server = TestServer.start(List.of(), Optional.of(catalog), Map.of(), Clock.systemUTC())) {
                String key = server.apiKey();
                // The pool takes the idle endpoint chosen longest ago, so the silent one has at least one of two.
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> response = server.post("/v1/completions", key, """
                            {"model": "m", "prompt": "once upon a time", "max_tokens": 4, "temperature": 0}""");

                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    assertThat(TestServer.json(response.body()).path("usage").path("completion_tokens").asInt())
                            .isEqualTo(4);
                }

                assertThat(silent.requests("/v1/completions")).isNotEmpty();
                JsonNode endpoints = TestServer.json(server.get("/v1/admin/engines", server.token()).body())
                        .path("engines").get(0).path("endpoints");
                assertThat(endpoints.get(0).path("last_error").asText())
                        .contains("sent nothing within 500 ms of the request", "(the first-token timeout)");
            }
        }
    }
}
