package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.ModelInfo;
import org.openmaas.testing.Mutations;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Whatever bytes arrive as the body of {@code /v1/completions} or {@code /v1/chat/completions} — random, or bodies
 * of OpenAI's clients broken — the server answers, never with a 5xx, and every refusal has OpenAI's error shape.
 */
class OpenAiBodyFuzzTest {

    /** Per request: a guard against a hang, far above any answer's time, not a measure of speed. */
    static final Duration HANG = Duration.ofSeconds(30);
    static final String CHAT = "maas-model-chat";
    static final String RAW = "maas-model-raw";

    static TestServer server;
    static String key;

    @BeforeContainer
    static void start() {
        // A short script whatever the request asks for: a body that stays valid costs a few tokens, not thousands.
        server = TestServer.serving(TestServer.product(CHAT, engine(true)), TestServer.product(RAW, engine(false)));
        key = server.apiKey();
    }

    private static ScriptedEngine engine(boolean chatTemplate) {
        return ScriptedEngine.builder().model(new ModelInfo("scripted", 512, 1000, chatTemplate)).slots(4)
                .script(Script.words(3, FinishReason.LENGTH)).build();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 250)
    void noCompletionBodyGetsAServerErrorOrAnUndocumentedOne(@ForAll("completions") byte[] body) {
        assertAnswered(post("/v1/completions", body));
    }

    @Property(tries = 250)
    void noChatBodyGetsAServerErrorOrAnUndocumentedOne(@ForAll("chats") byte[] body) {
        assertAnswered(post("/v1/chat/completions", body));
    }

    private static HttpResponse<String> post(String path, byte[] body) {
        return server.post(path, Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"), body,
                HANG);
    }

    /** Below 500, and a refusal is OpenAI's {@code {"error": {"message", "type", "param", "code"}}}. */
    private static void assertAnswered(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() != 200) {
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode error = TestServer.json(response.body()).path("error");
            assertThat(error.path("message").asText()).as(response.body()).isNotBlank().doesNotContain("Exception");
            assertThat(error.path("type").isTextual()).as(response.body()).isTrue();
            assertThat(error.has("param") && error.has("code")).as(response.body()).isTrue();
        }
    }

    @Provide
    Arbitrary<byte[]> completions() {
        return Mutations.of(Mutations.JSON, List.of("""
                {"model": "%s", "prompt": "Once upon a time", "max_tokens": 3, "temperature": 0.7, "top_p": 0.9}"""
                        .formatted(RAW), """
                {"model": "%s", "prompt": ["Hi"], "max_tokens": 2, "stream": true, "stream_options": {"include_usage": true},
                 "stop": ["\\n", "end"], "logprobs": 2, "seed": 7, "n": 1, "best_of": 1, "echo": false, "suffix": "",
                 "frequency_penalty": 0.5, "presence_penalty": -0.5, "logit_bias": {}, "user": "u"}""".formatted(RAW), """
                {"model": "%s", "prompt": [1, 2, 3], "max_tokens": 2, "stop": "x"}""".formatted(CHAT)));
    }

    @Provide
    Arbitrary<byte[]> chats() {
        return Mutations.of(Mutations.JSON, List.of("""
                {"model": "%s", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 3}""".formatted(CHAT), """
                {"model": "%s", "messages": [{"role": "system", "content": "You tell stories."},
                 {"role": "user", "content": [{"type": "text", "text": "Tell me one."}]},
                 {"role": "assistant", "content": "Once", "refusal": null, "tool_calls": []}],
                 "max_completion_tokens": 2, "stream": true, "stream_options": {"include_usage": true},
                 "logprobs": true, "top_logprobs": 2, "stop": ["\\n"], "seed": 1, "n": 1, "temperature": 0,
                 "response_format": {"type": "text"}, "tool_choice": "none", "metadata": {"a": "b"},
                 "parallel_tool_calls": false, "store": false, "service_tier": "auto"}""".formatted(CHAT)));
    }
}
