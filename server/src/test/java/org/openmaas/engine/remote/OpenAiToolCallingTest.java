package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.engine.llamacpp.LlamaSource;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * Tools on an {@code openai}-type product, passed through natively: the gateway fronts another OpenMaaS that does real
 * tool calling (a random-weight model with Qwen2's tokenizer and Qwen2.5's template, on the embedded engine), sends it
 * the tools, {@code tool_choice} and {@code parallel_tool_calls} and relays the calls it streams, whole and streamed.
 */
class OpenAiToolCallingTest {

    private static final String PARAMETERS = """
            {"type": "object", "properties": {"unit": {"enum": ["celsius", "fahrenheit"]}}, "required": ["unit"],
             "additionalProperties": false}""";
    private static final String TOOLS = """
            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": %s}},
                      {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}]"""
            .formatted(PARAMETERS);
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(TestServer.json(PARAMETERS));

    @TempDir
    static Path dir;

    private static TestServer upstream;
    private static TestServer gateway;
    private static String key;

    @BeforeAll
    static void start() throws IOException {
        upstream = TestServer.serving(List.of(TestModels.generated(RandomLlama.Spec.tiny()
                .withName("random-openai-upstream-qwen2-5").withContextLength(2048)
                .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary("qwen2")))
                .withChatTemplate(Files.readString(LlamaSource.folder()
                        .resolve("models/templates/Qwen-Qwen2.5-7B-Instruct.jinja"))))));
        String product = TestServer.json(upstream.get("/v1/models", upstream.apiKey()).body()).get("data").get(0)
                .get("id").asText();
        gateway = TestServer.start(List.of(), Optional.of(Files.writeString(dir.resolve("catalog.yaml"), """
                products:
                  - product_name: qwen-elsewhere
                    model_name: Qwen/Qwen2.5-7B-Instruct
                    context_length: 2048
                    engine: {type: openai, endpoints: ["%s"], upstream_model: %s, api_key_env: UPSTREAM_KEY}
                """.formatted(upstream.uri(""), product))), Map.of("UPSTREAM_KEY", upstream.apiKey()),
                Clock.systemUTC());
        key = gateway.apiKey();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
        if (upstream != null) upstream.close();
    }

    @Test
    void aNamedFunctionsCallComesBackFromTheUpstreamAsTheGatewaysCall() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, request("""
                "tool_choice": {"type": "function", "function": {"name": "get_weather"}}, "seed": 3"""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode completion = TestServer.json(response.body());
        JsonNode choice = completion.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).as(response.body()).isEqualTo("tool_calls");
        assertThat(choice.get("message").get("content").isNull()).isTrue();
        assertThat(choice.get("message").get("tool_calls")).hasSize(1);
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertThat(call.get("id").asText()).startsWith("call_");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(SCHEMA.validate(TestServer.json(call.get("function").get("arguments").asText()))).isEmpty();
        assertThat(completion.get("usage").get("completion_tokens").asInt()).isPositive();
        assertThat(completion.get("usage").get("prompt_tokens").asInt()).isPositive();
    }

    @Test
    void aStreamedRequiredCallIsRelayedAsOpenAisDeltas() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, request("""
                "tool_choice": "required", "parallel_tool_calls": false, "seed": 4, "stream": true"""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n").doesNotContain("<tool_call>");
        List<JsonNode> calls = new ArrayList<>();
        String finishReason = null;
        for (String event : response.body().split("\n\n")) {
            if (!event.startsWith("data: {")) {
                continue;
            }
            JsonNode choice = TestServer.json(event.substring("data: ".length())).get("choices").get(0);
            choice.path("delta").path("tool_calls").forEach(calls::add);
            assertThat(choice.path("delta").path("content").isTextual()).as(event).isFalse();
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        assertThat(finishReason).isEqualTo("tool_calls");
        assertThat(calls).hasSize(2); // the call named, then its arguments
        assertThat(calls.get(0).get("id").asText()).startsWith("call_");
        assertThat(calls.get(0).get("function").get("name").asText()).isIn("get_weather", "get_time");
        assertThat(calls.get(1).get("index").asInt()).isZero();
        assertThat(TestServer.json(calls.get(1).get("function").get("arguments").asText()).isObject()).isTrue();
    }

    @Test
    void aSecondTurnCarriesTheCallAndItsResultToTheUpstream() {
        // The upstream refuses a tool message whose call id no earlier assistant message made: a 200 shows both went.
        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, """
                {"model": "qwen-elsewhere", "max_tokens": 4, "temperature": 0, %s, "messages": [
                 {"role": "user", "content": "Weather?"},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_9", "type": "function",
                  "function": {"name": "get_weather", "arguments": "{\\"unit\\": \\"celsius\\"}"}}]},
                 {"role": "tool", "tool_call_id": "call_9", "content": "21 degrees"}]}""".formatted(TOOLS));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TestServer.json(response.body()).get("usage").get("completion_tokens").asInt()).isPositive();
    }

    private static String request(String choice) {
        return """
                {"model": "qwen-elsewhere", "messages": [{"role": "user", "content": "Weather?"}], "max_tokens": 300,
                 %s, %s}""".formatted(TOOLS, choice);
    }
}
