package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * LangChain4j's structured output, a client no one here wrote, against the real engine on a random-weight model, whose
 * own text is never JSON: an {@code AiServices} method returning a record, whose JSON schema LangChain4j sends as a
 * strict {@code response_format}, so only constrained decoding can give it text it parses into that record.
 */
class LangChain4jStructuredOutputTest {

    enum Mood { HAPPY, SAD, BRAVE }

    /**
     * What the assistant answers with. Every property marked required: LangChain4j's strict schema makes any other
     * nullable. No strings, as a random model need not ever close one.
     */
    record Hero(@JsonProperty(required = true) Mood mood, @JsonProperty(required = true) long age,
            @JsonProperty(required = true) boolean hasSword) {
    }

    /** What LangChain4j builds a typed assistant from. */
    interface Storyteller {
        Hero describe(String story);
    }

    static TestServer server;
    static String model;

    @BeforeAll
    static void start() {
        server = TestServer.serving(List.of(TestModels.chat()));
        model = TestServer.json(server.get("/v1/models", server.apiKey()).body()).get("data").get(0).get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAiServiceReturningARecordGetsTextOfItsSchemasShape() {
        for (int seed = 1; seed <= 3; seed++) {
            List<String> answers = new CopyOnWriteArrayList<>();
            Storyteller storyteller = AiServices.create(Storyteller.class, model(seed, answers));

            Hero hero = storyteller.describe("Describe the hero of a story about a dragon.");

            // The text as it came back, as Jackson's lenient binding would hide a "12" or a null behind a long.
            JsonNode answer = TestServer.json(answers.getLast());
            assertThat(answer.properties()).as("seed %d: %s", seed, answer).hasSize(3);
            assertThat(answer.get("mood").isTextual()).as("seed %d: %s", seed, answer).isTrue();
            assertThat(answer.get("age").isIntegralNumber()).as("seed %d: %s", seed, answer).isTrue();
            assertThat(answer.get("hasSword").isBoolean()).as("seed %d: %s", seed, answer).isTrue();
            assertThat(hero).isEqualTo(new Hero(Mood.valueOf(answer.get("mood").asText()), answer.get("age").asLong(),
                    answer.get("hasSword").asBoolean()));
        }
    }

    /** A strict JSON-schema chat model that adds the text of each answer to {@code answers}. */
    private static OpenAiChatModel model(int seed, List<String> answers) {
        ChatModelListener recorder = new ChatModelListener() {
            @Override
            public void onResponse(ChatModelResponseContext context) {
                answers.add(context.chatResponse().aiMessage().text());
            }
        };
        return OpenAiChatModel.builder().baseUrl(server.uri("/v1").toString()).apiKey(server.apiKey()).modelName(model)
                .responseFormat("json_schema").strictJsonSchema(true).seed(seed).maxTokens(200).listeners(recorder)
                .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
    }
}
