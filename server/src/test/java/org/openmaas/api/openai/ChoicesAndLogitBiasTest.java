package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * OpenAI's {@code n} (several independent choices of one request) and {@code logit_bias}, over HTTP on a random-weight
 * model with a chat template, decoded by llama.cpp.
 */
class ChoicesAndLogitBiasTest {

    static final Path MODEL = TestModels.chat();
    static final String PRODUCT = ProductConfig.forModelFile(MODEL, 0, null, 1).productName();

    static TestServer server;
    static String key;

    @BeforeAll
    static void start() {
        server = TestServer.serving(List.of(MODEL));
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void nChoicesAreIndependentSamplesEachSeededOneAfterTheOtherAndTheirUsageSums() {
        JsonNode three = TestServer.json(chat("\"n\": 3, \"seed\": 7, \"max_tokens\": 6").body());
        JsonNode usage = three.get("usage");

        assertThat(three.get("choices").findValuesAsText("index")).containsExactly("0", "1", "2");
        assertThat(three.get("choices").findValues("finish_reason")).allMatch(JsonNode::isTextual);
        assertThat(usage.get("completion_tokens").asInt()).isBetween(3, 18);
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
        for (int i = 0; i < 3; i++) {
            JsonNode alone = TestServer.json(chat("\"seed\": " + (7 + i) + ", \"max_tokens\": 6").body());
            assertThat(content(three.get("choices").get(i))).as("choice %d against seed %d", i, 7 + i)
                    .isEqualTo(content(alone.get("choices").get(0)));
        }
    }

    @Test
    void streamedChoicesCarryTheirIndexAndEachEndsWithItsFinishReasonBeforeOneUsageAndDone() {
        List<String> events = events(chat("\"n\": 3, \"seed\": 7, \"max_tokens\": 6, \"stream\": true, "
                + "\"stream_options\": {\"include_usage\": true}"));

        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(TestServer::json).toList();
        List<JsonNode> withChoices = chunks.stream().filter(c -> !c.get("choices").isEmpty()).toList();
        List<String> finished = withChoices.stream().map(c -> c.get("choices").get(0))
                .filter(c -> c.get("finish_reason").isTextual()).map(c -> c.get("index").asText()).toList();
        List<String> opened = withChoices.stream().map(c -> c.get("choices").get(0))
                .filter(c -> "assistant".equals(c.path("delta").path("role").asText(null)))
                .map(c -> c.get("index").asText()).toList();

        assertThat(finished).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(opened).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(chunks.getLast().get("choices")).isEmpty();
        assertThat(chunks.getLast().get("usage").get("completion_tokens").asInt()).isBetween(3, 18);
        assertThat(events.getLast()).isEqualTo("[DONE]");
    }

    @Test
    void aStopSequenceEndsOnlyItsOwnChoice() {
        List<String> events = events(chat("\"n\": 3, \"seed\": 11, \"max_tokens\": 20, \"stop\": [\" \"], "
                + "\"stream\": true, \"stream_options\": {\"include_usage\": true}"));

        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(TestServer::json).toList();
        List<String> finished = chunks.stream().filter(c -> !c.get("choices").isEmpty()).map(c -> c.get("choices").get(0))
                .filter(c -> c.get("finish_reason").isTextual()).map(c -> c.get("index").asText()).toList();

        assertThat(finished).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(chunks.getLast().get("usage").get("completion_tokens").asInt()).isBetween(3, 60);
        assertThat(events).containsOnlyOnce("[DONE]").last().isEqualTo("[DONE]");
    }

    @Test
    void aTokenBiasedBy100IsTheOnlyOneGenerated() {
        List<String> forced = tokens(completion("\"logit_bias\": {\"300\": 100}"));
        List<String> other = tokens(completion("\"logit_bias\": {\"301\": 100}"));

        assertThat(forced).hasSize(5).containsOnly(forced.getFirst());
        assertThat(other).hasSize(5).containsOnly(other.getFirst());
        assertThat(forced.getFirst()).isNotEqualTo(other.getFirst());
    }

    @Test
    void aTokenBiasedByMinus100IsNeverGenerated() {
        // The MaaS API shows the id of the token greedy decoding picks first: the one to ban.
        JsonNode first = TestServer.json(server.post("/v1/maas/generate", server.token(),
                server.body("Once upon a time", "{\"max_new_tokens\": 1, \"temperature\": 0}")).body());
        int id = first.get("details").get("tokens").get(0).get("id").asInt();
        String text = first.get("details").get("tokens").get(0).get("text").asText();

        List<String> unbiased = tokens(completion(""));
        List<String> banned = tokens(completion("\"logit_bias\": {\"" + id + "\": -100}"));

        assertThat(unbiased.getFirst()).isEqualTo(text);
        assertThat(banned).doesNotContain(text);
    }

    @Test
    void aLogitBiasOnATokenOutsideTheVocabularyIsRefusedNamingIt() {
        HttpResponse<String> refused = completion("\"logit_bias\": {\"512\": 5}");

        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = TestServer.json(refused.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("logit_bias");
        assertThat(error.get("message").asText()).contains("token 512, which is not in this model's vocabulary (0 to 511)");
    }

    private static HttpResponse<String> chat(String fields) {
        return server.post("/v1/chat/completions", key, """
                {"model": "%s", "messages": [{"role": "user", "content": "Tell me a story."}], "temperature": 1, %s}"""
                .formatted(PRODUCT, fields));
    }

    /** Five greedy tokens continuing "Once upon a time", with each token's text reported. */
    private static HttpResponse<String> completion(String fields) {
        return server.post("/v1/completions", key, """
                {"model": "%s", "prompt": "Once upon a time", "max_tokens": 5, "temperature": 0, "logprobs": 0%s}"""
                .formatted(PRODUCT, fields.isEmpty() ? "" : ", " + fields));
    }

    private static List<String> tokens(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tokens = TestServer.json(response.body()).get("choices").get(0).get("logprobs").get("tokens");
        return StreamSupport.stream(tokens.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static String content(JsonNode choice) {
        return choice.get("message").get("content").asText();
    }

    /** The data of each server-sent event, in order. */
    private static List<String> events(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> data = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        return data;
    }
}
