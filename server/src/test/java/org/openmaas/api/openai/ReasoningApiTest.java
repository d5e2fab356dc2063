package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestServer;

/**
 * The reasoning of a model that thinks before it answers (Qwen3's template: it strips {@code </think>} from earlier
 * turns), over HTTP as llama-server and DeepSeek's API return it: {@code message.reasoning_content} apart from
 * {@code content}, streamed as {@code delta.reasoning_content}, before the answer or the calls; the tags nowhere.
 */
class ReasoningApiTest {

    static final String THOUGHT = "The user wants the weather.\nI should call get_weather.";
    static final String CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
            + "</tool_call>";

    static TestServer server;
    static String key;

    @BeforeAll
    static void start() {
        server = TestServer.serving(
                TestServer.product("maas-model-qwen3", ToolReplies.engine("<tool_call> content.split('</think>')",
                        request -> ToolReplies.inPieces("<think>\n" + THOUGHT + "\n</think>\n\n"
                                + (ToolReplies.prompt(request).startsWith("tools:") ? CALL : "Sunny, I think.")))),
                TestServer.product("maas-model-hermes", ToolReplies.engine("<tool_call>",
                        request -> ToolReplies.inPieces("<think>\nHmm.\n</think>\n\nHello!"))));
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theReasoningIsApartFromTheAnswer() {
        JsonNode choice = chat("maas-model-qwen3", "").get("choices").get(0);

        assertThat(choice.get("message").get("reasoning_content").asText()).isEqualTo(THOUGHT);
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Sunny, I think.");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aModelThinksThenCalls() {
        JsonNode message = chat("maas-model-qwen3", ", " + ToolCallsApiTest.TOOLS).get("choices").get(0)
                .get("message");

        assertThat(message.get("reasoning_content").asText()).isEqualTo(THOUGHT);
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls")).hasSize(1);
        assertThat(message.get("tool_calls").get(0).get("function").get("arguments").asText())
                .isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void streamedReasoningComesAsReasoningDeltasBeforeTheCalls() {
        List<JsonNode> deltas = stream("maas-model-qwen3", ", " + ToolCallsApiTest.TOOLS).stream()
                .map(chunk -> chunk.get("choices").get(0).get("delta")).toList();

        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        int firstCall = -1;
        for (int i = 0; i < deltas.size(); i++) {
            JsonNode delta = deltas.get(i);
            reasoning.append(delta.path("reasoning_content").asText(""));
            content.append(delta.path("content").asText(""));
            if (delta.has("reasoning_content")) {
                assertThat(firstCall).as("reasoning after a call, delta %d", i).isEqualTo(-1);
            }
            if (delta.has("tool_calls") && firstCall < 0) {
                firstCall = i;
            }
        }
        assertThat(reasoning.toString()).isEqualTo(THOUGHT);
        assertThat(content.toString()).isEmpty();
        assertThat(firstCall).isPositive();
        assertThat(deltas.stream().filter(d -> d.has("reasoning_content")).count())
                .as("reasoning streams as it is written, not at once").isGreaterThan(3);
    }

    @Test
    void aModelWhoseTemplateDoesNotReasonKeepsItsTagsInTheContent() {
        JsonNode message = chat("maas-model-hermes", "").get("choices").get(0).get("message");

        assertThat(message.get("content").asText()).isEqualTo("<think>\nHmm.\n</think>\n\nHello!");
        assertThat(message.has("reasoning_content")).isFalse();
    }

    private static JsonNode chat(String model, String extra) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, body(model, extra));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response.body());
    }

    private static List<JsonNode> stream(String model, String extra) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, body(model, extra + ", \"stream\": true"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n").doesNotContain("think>").doesNotContain("tool_call>");
        return ChatAndRawModels.Events.read(response.body()).chunks();
    }

    private static String body(String model, String extra) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Weather?\"}]" + extra
                + "}";
    }
}
