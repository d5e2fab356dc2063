package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * Spring AI's tool calling, a client no one here wrote (with the official openai-java SDK beneath its OpenAI chat
 * model), against a scripted model of the Hermes family: a {@code ChatClient} given a {@code @Tool} method runs the
 * call the model makes, sends its result back, and answers with the model's second reply; whole and streamed.
 */
class SpringAiToolsTest {

    /** The tool the model may call; it records the cities it was asked about. */
    static final class Weather {
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Tool(name = "get_weather", description = "The weather in a city")
        String weather(@ToolParam(description = "the city") String city) {
            asked.add(city);
            return "22 C";
        }
    }

    static ScriptedEngine agent;
    static TestServer server;
    static ChatClient client;
    Weather weather;

    @BeforeAll
    static void start() {
        agent = ToolReplies.weatherAgent();
        server = TestServer.scripted(agent);
        client = ChatClient.create(OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl(server.uri("/v1").toString()).apiKey(server.apiKey()).model(TestServer.SCRIPTED_PRODUCT)
                .maxRetries(0).timeout(Duration.ofSeconds(60)).build()).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void newTool() {
        weather = new Weather();
    }

    @Test
    void aChatClientRunsTheToolTheModelCallsAndAnswersWithItsResult() {
        String answer = client.prompt("What is the weather in Paris?").tools(weather).call().content();

        assertThat(answer).isEqualTo(ToolReplies.ANSWER);
        assertThat(weather.asked).containsExactly("Paris");
        assertThat(ToolReplies.prompt(agent.submitted().getLast())).startsWith("tools: get_weather\n")
                .contains("calls: get_weather({\"city\":\"Paris\"})").containsPattern("tool\\[call_\\w{24}]: 22 C");
    }

    @Test
    void aStreamedChatClientRunsTheToolAndStreamsTheAnswer() {
        List<String> pieces = client.prompt("What is the weather in Paris?").tools(weather).stream().content()
                .collectList().block(Duration.ofSeconds(60));

        assertThat(String.join("", pieces)).isEqualTo(ToolReplies.ANSWER);
        assertThat(weather.asked).containsExactly("Paris");
        assertThat(ToolReplies.prompt(agent.submitted().getLast())).containsPattern("tool\\[call_\\w{24}]: 22 C");
    }
}
