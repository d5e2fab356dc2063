package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** {@code POST /v1/maas/generatestream} over HTTP: the wire shape line by line, and what the parameters do. */
class GenerateStreamTest {

    static final String PROMPT = "Once upon a time";
    static TestServer server;
    static String token;

    @BeforeAll
    static void start() {
        server = TestServer.serving(TestModels.tiny());
        token = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyLineCarriesOneTokenAndTheLastAddsTheTextAndDetails() {
        TestServer.Stream stream = server.stream(token, server.body(PROMPT, "{\"max_new_tokens\": 20, \"temperature\": 0}"));

        assertThat(stream.response().statusCode()).isEqualTo(200);
        assertThat(stream.response().headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        String requestId = stream.response().headers().firstValue("X-Request-ID").orElseThrow();
        List<JsonNode> lines = stream.lines();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode response = lines.get(i).get("result").get("response");
            JsonNode token = response.get("token");
            assertThat(token.get("id").isInt()).as("line %d token.id", i).isTrue();
            assertThat(token.get("text").isTextual()).as("line %d token.text", i).isTrue();
            assertThat(token.get("logprob").asDouble()).as("line %d token.logprob", i).isLessThanOrEqualTo(0);
            assertThat(token.get("special").isBoolean()).as("line %d token.special", i).isTrue();
            assertThat(response.get("top_tokens").isArray() && response.get("top_tokens").isEmpty()).isTrue();
            assertThat(response.get("requestID").asText()).isEqualTo(requestId);
            assertThat(response.has("details")).as("line %d has details", i).isEqualTo(i == lines.size() - 1);
            assertThat(response.has("generated_text")).isEqualTo(i == lines.size() - 1);
        }
        JsonNode details = stream.last().get("details");
        assertThat(details.get("generated_tokens").asInt()).isEqualTo(lines.size());
        assertThat(details.get("finish_reason").asText()).isIn("FINISH_REASON_LENGTH", "FINISH_REASON_EOS_TOKEN");
        if (details.get("finish_reason").asText().equals("FINISH_REASON_LENGTH")) {
            assertThat(lines).hasSize(20);
        }
        assertThat(details.has("seed")).as("greedy requests report no seed").isFalse();
        assertThat(stream.last().get("generated_text").asText()).isEqualTo(stream.text()).isNotEmpty();
    }

    @Test
    void aSampledRequestReportsItsSeedAndReplaysExactlyWithIt() {
        TestServer.Stream first = server.stream(token, server.body(PROMPT, "{\"max_new_tokens\": 30, \"temperature\": 0.9}"));
        String seed = first.last().get("details").get("seed").asText();

        TestServer.Stream replay = server.stream(token, server.body(PROMPT,
                "{\"max_new_tokens\": 30, \"temperature\": 0.9, \"seed\": \"" + seed + "\"}"));

        assertThat(seed).matches("\\d+");
        assertThat(replay.last().get("details").get("seed").asText()).isEqualTo(seed);
        assertThat(replay.tokenIds()).isEqualTo(first.tokenIds());
    }

    @Test
    void differentSeedsGiveDifferentStories() {
        List<List<Integer>> runs = IntStream.of(1, 2, 3).mapToObj(seed -> server.stream(token, server.body(PROMPT,
                "{\"max_new_tokens\": 30, \"temperature\": 1.0, \"do_sample\": true, \"seed\": " + seed + "}")).tokenIds()).toList();

        assertThat(runs.stream().distinct().count()).isGreaterThan(1);
    }

    @Test
    void aSeedIsTheSameAsANumberAndAsADecimalString() {
        TestServer.Stream number = server.stream(token, server.body(PROMPT,
                "{\"max_new_tokens\": 10, \"temperature\": 0.8, \"seed\": 18446744073709551615}"));
        TestServer.Stream text = server.stream(token, server.body(PROMPT,
                "{\"max_new_tokens\": 10, \"temperature\": 0.8, \"seed\": \"18446744073709551615\"}"));

        assertThat(number.last().get("details").get("seed").asText()).isEqualTo("18446744073709551615");
        assertThat(text.tokenIds()).isEqualTo(number.tokenIds());
    }

    @Test
    void camelCaseAndSnakeCaseNamesMeanTheSame() {
        String snake = server.body(PROMPT, "{\"max_new_tokens\": 7, \"temperature\": 0.5, \"top_k\": 20, \"top_p\": 0.9, "
                + "\"repetition_penalty\": 1.1, \"seed\": 5}");
        String camel = server.body(PROMPT, "{\"maxNewTokens\": 7, \"temperature\": 0.5, \"topK\": 20, \"topP\": 0.9, "
                + "\"repetitionPenalty\": 1.1, \"seed\": 5}")
                .replace("\"cloudAccountId\"", "\"cloud_account_id\"")
                .replace("\"productName\"", "\"product_name\"").replace("\"productId\"", "\"product_id\"");

        TestServer.Stream a = server.stream(token, snake);
        TestServer.Stream b = server.stream(token, camel);

        assertThat(a.response().statusCode()).isEqualTo(200);
        assertThat(b.response().statusCode()).isEqualTo(200);
        assertThat(b.tokenIds()).isEqualTo(a.tokenIds());
    }

    @Test
    void maxNewTokensBoundsTheStream() {
        TestServer.Stream stream = server.stream(token, server.body(PROMPT, "{\"max_new_tokens\": 3, \"temperature\": 0}"));

        assertThat(stream.lines()).hasSizeLessThanOrEqualTo(3);
        assertThat(stream.last().get("details").get("generated_tokens").asInt()).isEqualTo(stream.lines().size());
    }

    @Test
    void aStopSequenceEndsTheStreamAtTheTokenThatCompletesIt() {
        TestServer.Stream full = server.stream(token, server.body(PROMPT, "{\"max_new_tokens\": 30, \"temperature\": 0}"));
        List<JsonNode> lines = full.lines();
        String stop = IntStream.range(4, 6).mapToObj(i -> lines.get(i).at("/result/response/token/text").asText())
                .reduce("", String::concat);

        TestServer.Stream stopped = server.stream(token, server.body(PROMPT,
                "{\"max_new_tokens\": 30, \"temperature\": 0, \"stop\": [" + TestServer.quote(stop) + ", \"zzzz\"]}"));

        String text = stopped.last().get("generated_text").asText();
        assertThat(stopped.last().get("details").get("finish_reason").asText()).isEqualTo("FINISH_REASON_STOP_SEQUENCE");
        assertThat(text).endsWith(stop);
        assertThat(full.last().get("generated_text").asText()).startsWith(text);
        assertThat(stopped.lines()).hasSizeLessThanOrEqualTo(6);
    }

    @Test
    void topNTokensListsTheMostLikelyAlternativesWithTheChosenOneFirstWhenGreedy() {
        TestServer.Stream stream = server.stream(token, server.body(PROMPT,
                "{\"max_new_tokens\": 8, \"temperature\": 0, \"top_n_tokens\": 3}"));

        for (JsonNode line : stream.lines()) {
            JsonNode response = line.get("result").get("response");
            JsonNode top = response.get("top_tokens");
            assertThat(top).hasSize(3);
            assertThat(top.get(0).get("logprob").asDouble()).isGreaterThanOrEqualTo(top.get(1).get("logprob").asDouble());
            assertThat(top.get(1).get("logprob").asDouble()).isGreaterThanOrEqualTo(top.get(2).get("logprob").asDouble());
            assertThat(top.get(0).get("id").asInt()).isEqualTo(response.get("token").get("id").asInt());
            assertThat(top.get(0).get("logprob").asDouble()).isEqualTo(response.get("token").get("logprob").asDouble());
        }
    }

    @Test
    void generateReturnsTheSameResultAsTheStreamInOneObject() {
        String body = server.body(PROMPT, "{\"max_new_tokens\": 12, \"temperature\": 0}");
        TestServer.Stream stream = server.stream(token, body);

        JsonNode whole = TestServer.json(server.post("/v1/maas/generate", token, body).body());

        assertThat(whole.get("generated_text").asText()).isEqualTo(stream.last().get("generated_text").asText());
        assertThat(whole.get("details").get("finish_reason")).isEqualTo(stream.last().get("details").get("finish_reason"));
        assertThat(whole.get("details").get("tokens")).hasSize(stream.lines().size());
        assertThat(whole.get("details").get("prompt_tokens").asInt()).isPositive();
        assertThat(whole.get("requestID").asText()).isNotBlank();
    }

    @Test
    void theCatalogListsTheServedProductWithItsThreeNames() {
        JsonNode models = TestServer.json(server.get("/v1/maas/models", token).body()).get("models");

        assertThat(models).hasSize(1);
        JsonNode model = models.get(0);
        assertThat(model.get("product_name").asText()).startsWith("maas-model-");
        assertThat(model.get("product_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(model.get("model_name").asText()).isNotBlank();
    }
}
