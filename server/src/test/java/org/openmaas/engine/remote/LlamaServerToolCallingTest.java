package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.engine.llamacpp.LlamaSource;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;
import org.openmaas.testing.ToolCallReplies;

/**
 * Tool calling on a product served by a real llama-server, through the gateway's OpenAI API: a random-weight model with
 * Qwen2's real tokenizer and Qwen2.5's real template, so llama-server renders the tools (and, on a second turn, the
 * call and its result) with the template, the gateway tells the Hermes family from the template llama-server reports,
 * sends that family's grammar for a forced call and reads the reply's call, which fits the tool's schema.
 */
class LlamaServerToolCallingTest {

    private static final String PRODUCT = "maas-model-qwen-remote";
    private static final String PARAMETERS = """
            {"type": "object", "properties": {"city": {"type": "string", "maxLength": 12},
             "unit": {"enum": ["celsius", "fahrenheit"]}}, "required": ["city", "unit"], "additionalProperties": false}""";
    private static final String TOOLS = """
            "tools": [{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
             "parameters": %s}}]""".formatted(PARAMETERS);
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(TestServer.json(PARAMETERS));

    @TempDir
    static Path dir;

    private static LlamaServerProcess upstream;
    private static TestServer server;
    private static String key;

    @BeforeAll
    static void start() throws IOException {
        Path model = TestModels.generated(RandomLlama.Spec.tiny().withName("random-remote-qwen2-5")
                .withContextLength(2048)
                .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary("qwen2")))
                .withChatTemplate(Files.readString(LlamaSource.folder()
                        .resolve("models/templates/Qwen-Qwen2.5-7B-Instruct.jinja"))));
        upstream = LlamaServerProcess.start(model, 1, 2048);
        server = TestServer.withCatalog(Files.writeString(dir.resolve("catalog.yaml"), """
                products:
                  - product_name: %s
                    model_name: Qwen/Qwen2.5-7B-Instruct
                    context_length: 2048
                    engine: {type: llama-server, endpoints: [%s]}
                """.formatted(PRODUCT, upstream.endpoint())));
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (upstream != null) upstream.close();
    }

    @Test
    void aRequiredCallParsesAndItsArgumentsFitTheSchema() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, request("\"seed\": 1"));

        JsonNode call = ToolCallReplies.onlyCall(response);
        assertThat(call.get("id").asText()).startsWith("call_");
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(SCHEMA.validate(TestServer.json(call.get("function").get("arguments").asText()))).isEmpty();
    }

    @Test
    void aStreamedRequiredCallComesAsOpenAisDeltas() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key,
                request("\"seed\": 2, \"stream\": true, \"stream_options\": {\"include_usage\": true}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n").doesNotContain("tool_call>");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith("data: ") && !event.equals("data: [DONE]")) {
                chunks.add(TestServer.json(event.substring("data: ".length())));
            }
        }
        StringBuilder arguments = new StringBuilder();
        List<String> names = new ArrayList<>();
        String finishReason = null;
        for (JsonNode chunk : chunks) {
            for (JsonNode choice : chunk.get("choices")) {
                for (JsonNode call : choice.path("delta").path("tool_calls")) {
                    assertThat(call.get("index").asInt()).isZero();
                    if (call.get("function").hasNonNull("name")) {
                        names.add(call.get("function").get("name").asText());
                    }
                    arguments.append(call.get("function").path("arguments").asText(""));
                }
                assertThat(choice.path("delta").path("content").isMissingNode()
                        || choice.path("delta").path("content").isNull()).as(chunk.toString()).isTrue();
                if (choice.hasNonNull("finish_reason")) {
                    finishReason = choice.get("finish_reason").asText();
                }
            }
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(SCHEMA.validate(TestServer.json(arguments.toString()))).isEmpty();
        assertThat(finishReason).isEqualTo("tool_calls");
        assertThat(chunks.getLast().get("usage").get("completion_tokens").asInt()).isPositive();
    }

    @Test
    void aSecondTurnWithTheToolsResultIsRenderedByTheUpstreamsTemplate() {
        String conversation = """
                "messages": [{"role": "user", "content": "Weather in Oslo?"},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                  "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\", \\"unit\\": \\"celsius\\"}"}}]},
                 {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 21 degrees"}],
                %s""".formatted(TOOLS);
        HttpResponse<String> response = server.post("/v1/chat/completions", key,
                "{\"model\": \"" + PRODUCT + "\", \"max_tokens\": 3, \"temperature\": 0, " + conversation + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // llama-server's own rendering of the same conversation: Qwen2.5's template shows the call and its result.
        String rendered = TestServer.json(upstream.post("/apply-template", "{" + conversation + "}").body())
                .get("prompt").asText();
        assertThat(rendered).contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"")
                .contains("<tool_response>\nSunny, 21 degrees\n</tool_response>").contains("\"get_weather\"");
        JsonNode tokens = TestServer.json(upstream.post("/tokenize", "{\"content\": " + TextNode.valueOf(rendered)
                + ", \"add_special\": true, \"parse_special\": true}").body()).get("tokens");
        assertThat(TestServer.json(response.body()).get("usage").get("prompt_tokens").asInt())
                .isEqualTo(tokens.size());
    }

    private static String request(String extra) {
        return """
                {"model": "%s", "messages": [{"role": "user", "content": "Weather in Oslo?"}], "max_tokens": 300,
                 %s, "tool_choice": "required", "parallel_tool_calls": false, %s}""".formatted(PRODUCT, TOOLS, extra);
    }
}
