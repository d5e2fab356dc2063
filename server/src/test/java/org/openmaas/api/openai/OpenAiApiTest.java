package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.api.openai.ChatAndRawModels.Events;
import org.openmaas.testing.TestServer;

/**
 * The OpenAI-compatible routes end to end on llama.cpp, as OpenAI documents their responses: a chat completion and a
 * legacy completion, each whole and streamed as server-sent events, and seeds that replay. The details of the wire
 * format are {@link OpenAiWireFormatTest}'s.
 */
class OpenAiApiTest {

    static ChatAndRawModels models;
    static TestServer server;
    static String key;
    static String chatModel;
    static String rawModel;

    @BeforeAll
    static void start() {
        models = ChatAndRawModels.start();
        server = models.server();
        chatModel = models.chatModel();
        rawModel = models.rawModel();
        key = models.key();
    }

    @AfterAll
    static void stop() {
        models.close();
    }

    @Test
    void aModelNameIsAcceptedAsTheModelId() {
        JsonNode completion = models.chat("{\"model\": \"random-llama-chat\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"Hi\"}], \"max_tokens\": 3}");

        assertThat(completion.get("model").asText()).isEqualTo(chatModel);
    }

    @Test
    void aChatCompletionHasOpenAisShape() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, models.chatBody("\"max_tokens\": 5"));
        JsonNode completion = TestServer.json(response.body());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(completion.get("id").asText()).isEqualTo("chatcmpl-" + response.headers().firstValue("X-Request-ID").orElseThrow());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("model").asText()).isEqualTo(chatModel);
        JsonNode choice = completion.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").isTextual()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
        assertThat(choice.get("logprobs").isNull()).isTrue();
    }

    @Test
    void theSameSeedGivesTheSameCompletion() {
        String body = models.chatBody("\"max_tokens\": 12, \"seed\": -42, \"temperature\": 1.3");

        assertThat(ChatAndRawModels.content(models.chat(body))).isEqualTo(ChatAndRawModels.content(models.chat(body)));
    }

    @Test
    void aStreamIsServerSentEventsEndingWithDone() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key,
                models.chatBody("\"max_tokens\": 6, \"stream\": true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aStreamedChoiceEqualsTheWholeOne() {
        String body = "\"max_tokens\": 20, \"temperature\": 0";

        assertThat(models.stream("/v1/chat/completions", models.chatBody(body + ", \"stream\": true")).chatText())
                .isEqualTo(ChatAndRawModels.content(models.chat(models.chatBody(body))));
    }

    @Test
    void aLegacyCompletionContinuesAPrompt() {
        HttpResponse<String> response = server.post("/v1/completions", key, """
                {"model": "%s", "prompt": "Once upon a time", "max_tokens": 5, "temperature": 0}""".formatted(rawModel));
        JsonNode completion = TestServer.json(response.body());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(completion.get("object").asText()).isEqualTo("text_completion");
        assertThat(completion.get("id").asText()).startsWith("cmpl-");
        assertThat(completion.get("choices").get(0).get("text").asText()).isNotEmpty();
        assertThat(completion.get("usage").get("completion_tokens").asInt()).isBetween(1, 5);
    }

    @Test
    void aLegacyCompletionStreamsTheSameText() {
        String body = "{\"model\": \"%s\", \"prompt\": \"Once upon a time\", \"max_tokens\": 12, \"temperature\": 0"
                .formatted(rawModel);
        String whole = TestServer.json(server.post("/v1/completions", key, body + "}").body())
                .get("choices").get(0).get("text").asText();

        Events events = models.stream("/v1/completions", body + ", \"stream\": true}");

        StringBuilder text = new StringBuilder();
        events.chunks().forEach(c -> text.append(c.get("choices").get(0).get("text").asText()));
        assertThat(text.toString()).isEqualTo(whole);
    }
}
