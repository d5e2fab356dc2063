package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.api.openai.ChatAndRawModels.Events;
import org.openmaas.testing.TestServer;

/**
 * The OpenAI-compatible routes over HTTP on scripted engines, as OpenAI documents their responses: the shapes clients
 * parse, streaming as server-sent events, stop sequences that are not returned, logprobs and usage.
 */
class OpenAiWireFormatTest {

    @AutoClose
    static final ChatAndRawModels models = ChatAndRawModels.scripted();
    static final TestServer server = models.server();
    static final String key = models.key();
    static final String chatModel = models.chatModel();
    static final String rawModel = models.rawModel();

    @Test
    void theModelListHasOpenAisShapeWithProductNamesAsIds() {
        JsonNode list = TestServer.json(server.get("/v1/models", key).body());

        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data")).hasSize(2);
        assertThat(list.get("data").get(0).get("object").asText()).isEqualTo("model");
        assertThat(list.get("data").get(0).get("owned_by").asText()).isEqualTo("openmaas");
        assertThat(list.get("data").get(0).get("created").isIntegralNumber()).isTrue();
        assertThat(chatModel).startsWith("maas-model-");
    }

    @Test
    void aModelCanBeRetrievedByItsId() {
        HttpResponse<String> response = server.get("/v1/models/" + chatModel, key);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(response.body()).get("id").asText()).isEqualTo(chatModel);
    }

    @Test
    void usageCountsThePromptAndTheCompletion() {
        JsonNode usage = chat(chatBody("\"max_tokens\": 4, \"temperature\": 0")).get("usage");

        assertThat(usage.get("prompt_tokens").asInt()).isPositive();
        assertThat(usage.get("completion_tokens").asInt()).isBetween(1, 4);
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    }

    @Test
    void maxTokensEndsTheChoiceWithFinishReasonLength() {
        JsonNode choice = chat(chatBody("\"max_completion_tokens\": 3, \"temperature\": 0")).get("choices").get(0);

        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void aStopSequenceEndsTheChoiceAndIsNotReturned() {
        String full = content(chat(chatBody("\"max_tokens\": 40, \"temperature\": 0")));
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        String expected = full.substring(0, full.indexOf(stop));

        JsonNode choice = chat(chatBody("\"max_tokens\": 40, \"temperature\": 0, \"stop\": "
                + TestServer.quote(stop))).get("choices").get(0);

        assertThat(choice.get("message").get("content").asText()).isEqualTo(expected);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStreamedStopSequenceIsNotSentEither() {
        String full = content(chat(chatBody("\"max_tokens\": 40, \"temperature\": 0")));
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);

        Events events = stream("/v1/chat/completions", chatBody("\"max_tokens\": 40, \"temperature\": 0, "
                + "\"stream\": true, \"stop\": [" + TestServer.quote(stop) + ", \"\\u0000\"]"));

        assertThat(events.chatText()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(events.finishReason()).isEqualTo("stop");
    }

    @Test
    void aStreamOpensWithTheAssistantRoleAndClosesWithAFinishReason() {
        Events events = stream("/v1/chat/completions", chatBody("\"max_tokens\": 6, \"stream\": true"));

        JsonNode first = events.chunks().getFirst().get("choices").get(0);
        JsonNode last = events.chunks().getLast().get("choices").get(0);
        assertThat(events.chunks()).allSatisfy(c -> assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(first.get("delta").get("role").asText()).isEqualTo("assistant");
        assertThat(last.get("delta").isEmpty()).isTrue();
        assertThat(last.get("finish_reason").asText()).isIn("stop", "length");
    }

    @Test
    void includeUsageAddsAChunkWithUsageAndNoChoices() {
        Events events = stream("/v1/chat/completions", chatBody("\"max_tokens\": 4, \"stream\": true, "
                + "\"stream_options\": {\"include_usage\": true}"));

        JsonNode last = events.chunks().getLast();
        assertThat(last.get("choices")).isEmpty();
        assertThat(last.get("usage").get("completion_tokens").asInt()).isBetween(1, 4);
    }

    @Test
    void logprobsComeWithEveryTokenAndTheirAlternatives() {
        JsonNode choice = chat(chatBody("\"max_tokens\": 5, \"temperature\": 0, \"logprobs\": true, "
                + "\"top_logprobs\": 3")).get("choices").get(0);

        JsonNode content = choice.get("logprobs").get("content");
        assertThat(content).isNotEmpty();
        StringBuilder text = new StringBuilder();
        for (JsonNode token : content) {
            text.append(token.get("token").asText());
            assertThat(token.get("logprob").asDouble()).isLessThanOrEqualTo(0);
            assertThat(token.get("top_logprobs")).hasSize(3);
            assertThat(token.get("bytes").isArray()).isTrue();
        }
        assertThat(text.toString()).isEqualTo(choice.get("message").get("content").asText());
    }

    @Test
    void legacyLogprobsListTokensOffsetsAndAlternatives() {
        JsonNode logprobs = TestServer.json(server.post("/v1/completions", key, """
                {"model": "%s", "prompt": "Once", "max_tokens": 4, "temperature": 0, "logprobs": 2}"""
                .formatted(rawModel)).body()).get("choices").get(0).get("logprobs");

        assertThat(logprobs.get("tokens")).hasSize(logprobs.get("token_logprobs").size());
        assertThat(logprobs.get("text_offset").get(0).asInt()).isZero();
        assertThat(logprobs.get("top_logprobs").get(0).size()).isBetween(1, 2);
    }

    @Test
    void aLegacyPromptMayBeTokenIds() {
        HttpResponse<String> response = server.post("/v1/completions", key, """
                {"model": "%s", "prompt": [1, 20, 30], "max_tokens": 2}""".formatted(rawModel));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TestServer.json(response.body()).get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void anOAuthAccessTokenWorksAsTheKey() {
        HttpResponse<String> response = server.post("/v1/chat/completions", server.token(), chatBody("\"max_tokens\": 2"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aCompletionCountsInTheServingMetricsLikeAnyGeneration() {
        chat(chatBody("\"max_tokens\": 2, \"temperature\": 0"));

        assertThat(server.get("/metrics", null).body()).containsPattern("maas_requests_total\\{outcome=\""
                + "FINISH_REASON_(LENGTH|EOS_TOKEN)\",product=\"" + chatModel + "\"} [1-9]");
    }

    private static String chatBody(String extra) {
        return models.chatBody(extra);
    }

    private static JsonNode chat(String body) {
        return models.chat(body);
    }

    private static String content(JsonNode completion) {
        return ChatAndRawModels.content(completion);
    }

    private static Events stream(String path, String body) {
        return models.stream(path, body);
    }
}
