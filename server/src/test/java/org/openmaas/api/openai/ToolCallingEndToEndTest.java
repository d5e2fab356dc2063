package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmaas.engine.llamacpp.LlamaSource;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.GgufValue;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;
import org.openmaas.testing.ToolCallReplies;

/**
 * A required tool call end to end through HTTP on llama.cpp, for every template the README's tool-calling table
 * names: a random-weight model with the family's real tokenizer and real chat template (rendered by the Jinja engine,
 * tools included), decoded under the family's grammar, so the garbage-writing weights still make one call of the
 * declared tool that the family's parser reads and whose arguments fit its schema.
 */
class ToolCallingEndToEndTest {

    /** Each family's template (llama.cpp's models/templates) and the vocabulary of its models. */
    static Stream<String[]> families() {
        return Stream.of(
                new String[] {"meta-llama-Llama-3.1-8B-Instruct", "llama-bpe"},
                new String[] {"meta-llama-Llama-3.2-3B-Instruct", "llama-bpe"},
                new String[] {"meta-llama-Llama-3.3-70B-Instruct", "llama-bpe"},
                new String[] {"Qwen-Qwen2.5-7B-Instruct", "qwen2"},
                new String[] {"Qwen-Qwen3-0.6B", "qwen2"},
                new String[] {"NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use", "llama-bpe"},
                new String[] {"NousResearch-Hermes-3-Llama-3.1-8B-tool_use", "llama-bpe"},
                new String[] {"mistralai-Mistral-Nemo-Instruct-2407", "llama-bpe"},
                new String[] {"Mistral-Small-3.2-24B-Instruct-2506", "llama-bpe"},
                new String[] {"unsloth-mistral-Devstral-Small-2507", "llama-bpe"},
                new String[] {"ibm-granite-granite-3.3-2B-Instruct", "llama-bpe"},
                new String[] {"deepseek-ai-DeepSeek-R1-Distill-Qwen-32B", "qwen2"},
                new String[] {"deepseek-ai-DeepSeek-R1-Distill-Llama-8B", "llama-bpe"});
    }

    static TestServer server;
    static String key;

    @BeforeAll
    static void start() throws IOException {
        List<Path> models = new ArrayList<>();
        for (String[] family : families().toList()) {
            // 2048 tokens of context: Mistral Small 3.2's template writes a system prompt of some 560 tokens.
            models.add(TestModels.generated(RandomLlama.Spec.tiny().withName(modelName(family[0]))
                    .withContextLength(2048)
                    .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary(family[1])))
                    .withChatTemplate(Files.readString(LlamaSource.folder()
                            .resolve("models/templates/" + family[0] + ".jinja")))));
        }
        server = TestServer.serving(models);
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void aRequiredCallOfARealTemplatesModelParsesAndFitsTheSchema(String template, String vocabulary) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                {"model": "%s", "messages": [{"role": "user", "content": "Weather?"}], "max_tokens": 400, "seed": 1,
                 "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object",
                  "properties": {"unit": {"enum": ["celsius", "fahrenheit"]}}, "required": ["unit"],
                  "additionalProperties": false}}}], "tool_choice": "required", "parallel_tool_calls": false}"""
                .formatted(model(template)));

        JsonNode call = ToolCallReplies.onlyCall(response);
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(TestServer.json(call.get("function").get("arguments").asText()).get("unit").asText())
                .isIn("celsius", "fahrenheit");
    }

    /**
     * DeepSeek R1's generation prompt opens {@code <think>}, so its reply starts as reasoning: one that never closes
     * it (here one word over and over, forced by {@code logit_bias}, until {@code max_tokens}) is all reasoning, whole
     * and streamed, as llama-server returns it; with a forced call, its grammar closes the thinking first (above).
     */
    @Test
    void anR1ReplyThatNeverClosesTheThinkingItsPromptOpenedIsAllReasoning() throws IOException {
        int hello = tokenId("qwen2", "Hello");
        String body = """
                {"model": "%s", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 6, "temperature": 0,
                 "logit_bias": {"%d": 100}%%s}""".formatted(model("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B"), hello);

        HttpResponse<String> whole = server.post("/v1/chat/completions", key, body.formatted(""));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        JsonNode choice = TestServer.json(whole.body()).get("choices").get(0);
        assertThat(choice.get("message").get("reasoning_content").asText()).isEqualTo("Hello".repeat(6));
        assertThat(choice.get("message").get("content").asText()).isEmpty();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");

        HttpResponse<String> streamed = server.post("/v1/chat/completions", key, body.formatted(", \"stream\": true"));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (JsonNode chunk : ChatAndRawModels.Events.read(streamed.body()).chunks()) {
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            reasoning.append(delta.path("reasoning_content").asText(""));
            content.append(delta.path("content").asText(""));
        }
        assertThat(reasoning.toString()).as(streamed.body()).isEqualTo("Hello".repeat(6));
        assertThat(content.toString()).isEmpty();
    }

    /** The id of the vocabulary's token whose text is {@code text}. */
    private static int tokenId(String vocabulary, String text) throws IOException {
        GgufValue tokens = GgufReader.read(LlamaSource.vocabulary(vocabulary)).metadata().get("tokenizer.ggml.tokens");
        List<GgufValue> elements = ((GgufValue.Array) tokens).elements();
        for (int id = 0; id < elements.size(); id++) {
            if (elements.get(id) instanceof GgufValue.Text(String piece) && piece.equals(text)) {
                return id;
            }
        }
        throw new AssertionError("no token " + text + " in " + vocabulary);
    }

    private static String modelName(String template) {
        return "random-tools-" + template.toLowerCase().replace('.', '-').replace('_', '-');
    }

    /** The served model whose file was generated for {@code template}. */
    private static String model(String template) {
        for (JsonNode m : TestServer.json(server.get("/v1/models", key).body()).get("data")) {
            if (m.get("id").asText().contains(modelName(template))) {
                return m.get("id").asText();
            }
        }
        throw new AssertionError("no model for " + template + " in " + server.get("/v1/models", key).body());
    }
}
