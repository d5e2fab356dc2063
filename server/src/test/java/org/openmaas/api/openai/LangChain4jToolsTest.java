package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * LangChain4j's tool calling, a client no one here wrote, against a scripted model of the Hermes family: an
 * {@code AiServices} assistant whose {@code @Tool} method the model calls, and a forced call ({@link ToolChoice#REQUIRED}).
 */
class LangChain4jToolsTest {

    /** What LangChain4j builds an assistant from. */
    interface Assistant {
        String chat(String question);
    }

    /** The tool the assistant may use; it records the cities it was asked about. */
    static final class Weather {
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Tool(name = "get_weather", value = "The weather in a city")
        String weather(@P(name = "city", value = "the city") String city) {
            asked.add(city);
            return "22 C";
        }
    }

    static ScriptedEngine agent;
    static TestServer server;

    @BeforeAll
    static void start() {
        agent = ToolReplies.weatherAgent();
        server = TestServer.scripted(agent);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAiServiceRunsTheToolTheModelCallsAndAnswersWithItsResult() {
        Weather weather = new Weather();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model()).tools(weather).build();

        assertThat(assistant.chat("What is the weather in Paris?")).isEqualTo(ToolReplies.ANSWER);
        assertThat(weather.asked).containsExactly("Paris");
        assertThat(ToolReplies.prompt(agent.submitted().getLast())).startsWith("tools: get_weather\n")
                .contains("calls: get_weather({\"city\":\"Paris\"})").containsPattern("tool\\[call_\\w{24}]: 22 C");
    }

    @Test
    void aRequiredToolChoiceIsAForcedCall() {
        ChatResponse response = model().chat(ChatRequest.builder()
                .messages(UserMessage.from("What is the weather in Paris?"))
                .toolSpecifications(ToolSpecifications.toolSpecificationsFrom(Weather.class))
                .toolChoice(ToolChoice.REQUIRED)
                .build());

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().toolExecutionRequests()).singleElement().satisfies(call -> {
            assertThat(call.id()).startsWith("call_");
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
        assertThat(agent.submitted().getLast().constraint()).isInstanceOf(OutputConstraint.Gbnf.class);
    }

    private static OpenAiChatModel model() {
        return OpenAiChatModel.builder().baseUrl(server.uri("/v1").toString()).apiKey(server.apiKey())
                .modelName(TestServer.SCRIPTED_PRODUCT).maxRetries(0).timeout(Duration.ofSeconds(60)).build();
    }
}
