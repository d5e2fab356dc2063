package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * LangChain4j's OpenAI chat models, a client no one here wrote, pointed at OpenMaaS as at OpenAI: only the base URL,
 * the key and the model differ.
 */
class LangChain4jClientTest {

    static TestServer server;
    static String key;
    static String model;

    @BeforeAll
    static void start() {
        server = TestServer.serving(List.of(TestModels.chat()));
        key = server.apiKey();
        model = TestServer.json(server.get("/v1/models", key).body()).get("data").get(0).get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theChatModelAnswersWithAnApiKey() {
        ChatResponse response = chatModel(key).chat(request());

        assertThat(response.aiMessage().text()).isNotNull();
        assertThat(response.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
        assertThat(response.tokenUsage().inputTokenCount()).isPositive();
        assertThat(response.tokenUsage().outputTokenCount()).isBetween(1, 8);
        assertThat(response.metadata().modelName()).isEqualTo(model);
    }

    @Test
    void theChatModelAnswersWithAnOAuthAccessTokenAsItsKey() {
        assertThat(chatModel(server.token()).chat(request()).aiMessage().text()).isNotNull();
    }

    @Test
    void theStreamingChatModelStreamsWhatTheChatModelAnswers() throws Exception {
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        streamingModel(key).chat(request(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);

        String whole = chatModel(key).chat(request()).aiMessage().text();
        assertThat(streamed.aiMessage().text()).isEqualTo(partial.toString()).isEqualTo(whole);
        assertThat(streamed.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
        assertThat(streamed.tokenUsage().outputTokenCount()).isBetween(1, 8);
    }

    @Test
    void aStopSequenceSetOnTheChatModelIsNotInItsAnswer() {
        String whole = chatModel(key).chat(request()).aiMessage().text();
        String stop = whole.substring(whole.length() / 2, whole.length() / 2 + 1);

        OpenAiChatModel stopping = builder(key).stop(List.of(stop)).build();

        assertThat(stopping.chat(request()).aiMessage().text()).isEqualTo(whole.substring(0, whole.indexOf(stop)));
    }

    @Test
    void aWrongKeyIsLangChain4jsAuthenticationError() {
        assertThatThrownBy(() -> chatModel("sk-" + "0".repeat(43)).chat(request()))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("API key is not valid");
    }

    @Test
    void anUnknownModelIsLangChain4jsModelNotFoundError() {
        assertThatThrownBy(() -> builder(key).modelName("gpt-4o").build().chat(request()))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("does not exist");
    }

    @Test
    void anOutOfRangeParameterIsLangChain4jsInvalidRequestError() {
        assertThatThrownBy(() -> builder(key).temperature(3.0).build().chat(request()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("temperature must be between 0 and 2");
    }

    private static ChatRequest request() {
        return ChatRequest.builder()
                .messages(SystemMessage.from("You tell stories."), UserMessage.from("Tell me one."))
                .build();
    }

    private static OpenAiChatModel chatModel(String apiKey) {
        return builder(apiKey).build();
    }

    private static OpenAiChatModel.OpenAiChatModelBuilder builder(String apiKey) {
        return OpenAiChatModel.builder().baseUrl(server.uri("/v1").toString()).apiKey(apiKey).modelName(model)
                .maxTokens(8).temperature(0.0).maxRetries(0).timeout(Duration.ofSeconds(60));
    }

    private static OpenAiStreamingChatModel streamingModel(String apiKey) {
        return OpenAiStreamingChatModel.builder().baseUrl(server.uri("/v1").toString()).apiKey(apiKey)
                .modelName(model).maxTokens(8).temperature(0.0).timeout(Duration.ofSeconds(60)).build();
    }
}
