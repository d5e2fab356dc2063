package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.llamacpp.LlamaSource;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * A required tool call end to end through HTTP on llama.cpp: a random-weight model with Qwen2's real tokenizer and
 * Qwen2.5's real chat template (rendered by the Jinja engine, tools included), decoded under the Hermes grammar, so the
 * garbage-writing weights still make one call of the declared tool whose arguments fit its schema.
 */
class ToolCallingEndToEndTest {

    static TestServer server;
    static String key;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        Path template = LlamaSource.folder().resolve("models/templates/Qwen-Qwen2.5-7B-Instruct.jinja");
        Path file = TestModels.generated(RandomLlama.Spec.tiny().withName("random-qwen2.5-tools")
                .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary("qwen2")))
                .withChatTemplate(Files.readString(template)));
        server = TestServer.serving(List.of(file));
        key = server.apiKey();
        model = TestServer.json(server.get("/v1/models", key).body()).get("data").get(0).get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRequiredCallOfARealTemplatesModelParsesAndFitsTheSchema() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                {"model": "%s", "messages": [{"role": "user", "content": "Weather?"}], "max_tokens": 120, "seed": 3,
                 "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object",
                  "properties": {"unit": {"enum": ["celsius", "fahrenheit"]}}, "required": ["unit"],
                  "additionalProperties": false}}}], "tool_choice": "required", "parallel_tool_calls": false}"""
                .formatted(model));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode choice = TestServer.json(response.body()).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.get("message").get("content").isNull()).isTrue();
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertThat(choice.get("message").get("tool_calls")).hasSize(1);
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(TestServer.json(call.get("function").get("arguments").asText()).get("unit").asText())
                .isIn("celsius", "fahrenheit");
    }
}
