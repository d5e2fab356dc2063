package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.openmaas.engine.ModelInfo;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * A server for the OpenAI route tests with two products: one with a chat template and one without (raw prompts
 * only), with the ids {@code GET /v1/models} gives them, an API key of the bootstrap client, and the calls the tests
 * make with it.
 */
record ChatAndRawModels(TestServer server, String chatModel, String rawModel, String key) implements AutoCloseable {

    /** A generated model with a chat template and the tiny model without one, on llama.cpp. */
    static ChatAndRawModels start() {
        TestServer server = TestServer.serving(List.of(TestModels.chat(), TestModels.tiny().getFirst()));
        String chat = null;
        String raw = null;
        for (JsonNode model : TestServer.json(server.get("/v1/models", server.token()).body()).get("data")) {
            if (model.get("id").asText().contains("random-llama-chat")) {
                chat = model.get("id").asText();
            } else {
                raw = model.get("id").asText();
            }
        }
        return new ChatAndRawModels(server, chat, raw, server.apiKey());
    }

    /**
     * The same two products on scripted engines of 512 tokens' context: for tests of validation, errors, metering and
     * the wire format, which need no model.
     */
    static ChatAndRawModels scripted() {
        String chat = "maas-model-chat";
        String raw = "maas-model-raw";
        TestServer server = TestServer.serving(
                TestServer.product(chat, ScriptedEngine.builder().model(new ModelInfo("chat", 512, 1000, true)).build()),
                TestServer.product(raw, ScriptedEngine.builder().model(new ModelInfo("raw", 512, 1000, false)).build()));
        return new ChatAndRawModels(server, chat, raw, server.apiKey());
    }

    /** A chat completion request for the chat product: a system and a user message, and {@code extra} fields. */
    String chatBody(String extra) {
        return """
                {"model": "%s", "messages": [{"role": "system", "content": "You tell stories."},
                 {"role": "user", "content": [{"type": "text", "text": "Tell me one."}]}], %s}"""
                .formatted(chatModel, extra);
    }

    /** Posts a chat completion, which must succeed. */
    JsonNode chat(String body) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response.body());
    }

    static String content(JsonNode completion) {
        return completion.get("choices").get(0).get("message").get("content").asText();
    }

    /** Posts a streamed request, which must succeed, and reads its events. */
    Events stream(String path, String body) {
        HttpResponse<String> response = server.post(path, key, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Events.read(response.body());
    }

    /** The data events of one stream, before {@code [DONE]}. */
    record Events(List<JsonNode> chunks) {

        /** The data events of a whole event stream's text. */
        static Events read(String eventStream) {
            List<JsonNode> chunks = new ArrayList<>();
            for (String event : eventStream.split("\n\n")) {
                if (event.startsWith("data: ") && !event.equals("data: [DONE]")) {
                    chunks.add(TestServer.json(event.substring("data: ".length())));
                }
            }
            return new Events(chunks);
        }

        String chatText() {
            StringBuilder text = new StringBuilder();
            for (JsonNode chunk : chunks) {
                for (JsonNode choice : chunk.get("choices")) {
                    text.append(choice.get("delta").path("content").asText(""));
                }
            }
            return text.toString();
        }

        String finishReason() {
            return chunks.stream().flatMap(c -> c.get("choices").valueStream())
                    .map(c -> c.get("finish_reason")).filter(r -> !r.isNull()).map(JsonNode::asText)
                    .findFirst().orElseThrow();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
