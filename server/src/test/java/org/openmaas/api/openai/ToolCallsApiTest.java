package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Token;
import org.openmaas.testing.Script;
import org.openmaas.testing.TestServer;

/**
 * Tool calls over HTTP as OpenAI returns them, from scripted replies in two families' markup (Hermes' tags, which are
 * text, and Mistral's {@code [TOOL_CALLS]}, a control token): {@code message.tool_calls} with content null, and the
 * streamed deltas in OpenAI's exact shape, never the markup as content; each of {@code n} choices with its own calls.
 */
class ToolCallsApiTest {

    static final String HERMES_REPLY = "I will check.<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
            + "{\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
            + "{\"city\": \"Rome\"}}\n</tool_call>";
    static final String TOOLS = "\"tools\": [" + ToolReplies.WEATHER_TOOL + "]";

    static TestServer server;
    static String key;

    @BeforeAll
    static void start() {
        server = TestServer.serving(
                TestServer.product("maas-model-hermes", ToolReplies.engine("<tool_call>",
                        request -> ToolReplies.inPieces(HERMES_REPLY))),
                TestServer.product("maas-model-mistral", ToolReplies.engine("[TOOL_CALLS]", ToolCallsApiTest::mistral)));
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aReplyOfCallsIsAMessageOfToolCallsEndingForThem() {
        JsonNode choice = chat("maas-model-mistral", "").get("choices").get(0);
        JsonNode message = choice.get("message");

        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls")).hasSize(1);
        JsonNode call = message.get("tool_calls").get(0);
        assertThat(call.get("id").asText()).as("Mistral's templates take back only ids of 9 letters and digits")
                .matches("[A-Za-z0-9]{9}");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(TestServer.json(call.get("function").get("arguments").asText()).get("city").asText())
                .isEqualTo("Oslo");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void textBeforeTheCallsIsTheContentAndTheMarkupIsNowhere() {
        JsonNode message = chat("maas-model-hermes", "").get("choices").get(0).get("message");

        assertThat(message.get("content").asText()).isEqualTo("I will check.");
        assertThat(message.get("tool_calls").findValuesAsText("arguments"))
                .containsExactly("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}");
    }

    @Test
    void withoutToolsTheMarkupIsJustTextAndNoToolCallsFieldIsSent() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                {"model": "maas-model-hermes", "messages": [{"role": "user", "content": "Hi"}]}""");
        JsonNode choice = TestServer.json(response.body()).get("choices").get(0);

        assertThat(choice.get("message").get("content").asText()).isEqualTo(HERMES_REPLY);
        assertThat(choice.get("message").has("tool_calls")).isFalse();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void streamedCallsHaveOpenAisDeltaShape() {
        List<JsonNode> chunks = stream("maas-model-hermes", "\"stream\": true");
        List<JsonNode> deltas = chunks.stream().map(c -> c.get("choices").get(0).get("delta")).toList();

        assertThat(deltas.getFirst().get("role").asText()).isEqualTo("assistant");
        assertThat(deltas.getFirst().has("content")).as("content until the reply has some: null if only calls").isFalse();
        StringBuilder content = new StringBuilder();
        deltas.forEach(d -> content.append(d.path("content").asText("")));
        assertThat(content.toString()).isEqualTo("I will check.");
        List<JsonNode> calls = deltas.stream().filter(d -> d.has("tool_calls")).map(d -> d.get("tool_calls"))
                .toList();
        assertThat(calls).hasSize(4).allSatisfy(c -> assertThat(c).hasSize(1));
        for (int i = 0; i < 2; i++) {
            JsonNode opening = calls.get(2 * i).get(0);
            JsonNode arguments = calls.get(2 * i + 1).get(0);
            assertThat(opening.get("index").asInt()).isEqualTo(i);
            assertThat(opening.get("id").asText()).startsWith("call_");
            assertThat(opening.get("type").asText()).isEqualTo("function");
            assertThat(opening.get("function").get("name").asText()).isEqualTo("get_weather");
            assertThat(opening.get("function").get("arguments").asText()).isEmpty();
            assertThat(arguments.get("index").asInt()).isEqualTo(i);
            assertThat(arguments.has("id")).isFalse();
            assertThat(arguments.get("function").has("name")).isFalse();
            assertThat(arguments.get("function").get("arguments").asText()).contains("\"city\"");
        }
        assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void eachChoiceHasItsOwnCalls() {
        JsonNode choices = chat("maas-model-mistral", "\"n\": 2").get("choices");

        assertThat(choices).hasSize(2);
        List<String> ids = new ArrayList<>();
        for (JsonNode choice : choices) {
            assertThat(choice.get("message").get("tool_calls")).hasSize(1);
            ids.add(choice.get("message").get("tool_calls").get(0).get("id").asText());
        }
        assertThat(ids).doesNotHaveDuplicates();
        List<String> streamedIds = stream("maas-model-mistral", "\"n\": 2, \"stream\": true").stream()
                .map(c -> c.get("choices").get(0))
                .filter(c -> c.path("delta").path("tool_calls").path(0).has("id"))
                .map(c -> c.get("index").asText() + ":" + c.get("delta").get("tool_calls").get(0).get("id").asText())
                .toList();
        assertThat(streamedIds).hasSize(2).anyMatch(s -> s.startsWith("0:")).anyMatch(s -> s.startsWith("1:"));
    }

    private static JsonNode chat(String model, String extra) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, body(model, extra));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response.body());
    }

    private static List<JsonNode> stream(String model, String extra) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, body(model, extra));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n").doesNotContain("tool_call>").doesNotContain("TOOL_CALLS");
        return ChatAndRawModels.Events.read(response.body()).chunks();
    }

    private static String body(String model, String extra) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Weather?\"}], "
                + TOOLS + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    /** Mistral's marker as the control token it is, then the list. */
    private static Script mistral(GenerationRequest request) {
        return Script.builder().token(new Token(9, "[TOOL_CALLS]", -0.1f, true))
                .text("[{\"name\": \"get_weather\", ").text("\"arguments\": {\"city\": \"Oslo\"}}]")
                .token(new Token(2, "</s>", -0.1f, true)).finish(FinishReason.EOS_TOKEN);
    }
}
