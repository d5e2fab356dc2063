package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Prompt;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * The OpenAI routes on a product whose engine tokenizes elsewhere: messages reach it as a conversation for its own
 * chat template, a text prompt as text, token ids as tokens, and the usage is the engine's count.
 */
class OpenAiEngineWithoutTokenizerTest {

    static final ScriptedEngine engine = ScriptedEngine.builder().withoutTokenizer().build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String key = server.apiKey();

    @Test
    void messagesReachTheEngineAsAConversation() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                {"model": "%s", "messages": [{"role": "developer", "content": "Be brief."},
                 {"role": "user", "content": "Tell me a story."}]}""".formatted(TestServer.SCRIPTED_PRODUCT));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        GenerationRequest request = engine.submitted().getLast();
        assertThat(request.prompt()).isEqualTo(new Prompt.Chat(List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "Tell me a story."))));
        assertThat(request.maxNewTokens()).as("the default: the context, at most the cap")
                .isEqualTo(Math.min(ScriptedEngine.MODEL.contextLength(), OpenAiValidation.DEFAULT_MAX_TOKENS_CAP));
        assertThat(TestServer.json(response.body()).at("/usage/prompt_tokens").asInt()).as("the engine counts words")
                .isEqualTo(6);
    }

    @Test
    void aTextPromptReachesTheEngineAsTextAndTokenIdsAsTokens() {
        JsonNode text = completion("\"Once upon a time\"");
        assertThat(engine.submitted().getLast().prompt()).isEqualTo(new Prompt.Text("Once upon a time"));
        assertThat(text.at("/usage/prompt_tokens").asInt()).isEqualTo(4);

        JsonNode ids = completion("[1, 20, 30]");
        assertThat(engine.submitted().getLast().prompt()).isEqualTo(new Prompt.Tokens(new int[] {1, 20, 30}));
        assertThat(ids.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void anEmptyPromptIsRefused() {
        HttpResponse<String> response = server.post("/v1/completions", key,
                "{\"model\": \"%s\", \"prompt\": \"\"}".formatted(TestServer.SCRIPTED_PRODUCT));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("prompt");
        assertThat(error.get("message").asText()).isEqualTo("prompt must not be empty");
    }

    private static JsonNode completion(String prompt) {
        HttpResponse<String> response = server.post("/v1/completions", key,
                "{\"model\": \"%s\", \"prompt\": %s, \"max_tokens\": 2}".formatted(TestServer.SCRIPTED_PRODUCT, prompt));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response.body());
    }
}
