package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.engine.llamacpp.LlamaSource;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * {@code /v1/chat/completions} prompts a model with its own chat template, rendered by the project's Jinja engine:
 * a random-weight GGUF with Llama 3.1's real template and tokenizer counts exactly the prompt tokens llama-server
 * counts for the same conversation on the same file.
 */
class ModelChatTemplateTest {

    private static final String MESSAGES = """
            [{"role": "system", "content": "You are a helpful assistant."},
             {"role": "user", "content": "What is the capital of France?"},
             {"role": "assistant", "content": "Paris."},
             {"role": "user", "content": "And of Japan?"}]""";

    @Test
    void aLlama31ConversationIsPromptedAsLlamaServerPromptsIt() throws IOException {
        String template = Files.readString(LlamaSource.folder()
                .resolve("models/templates/meta-llama-Llama-3.1-8B-Instruct.jinja"));
        Path model = TestModels.generated(RandomLlama.Spec.tiny().withName("random-llama-3.1-chat")
                .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary("llama-bpe"))).withChatTemplate(template));
        int expected;
        try (LlamaServerProcess llamaServer = LlamaServerProcess.start(model, 1, 512)) {
            String prompt = TestServer.json(llamaServer.post("/apply-template", "{\"messages\": " + MESSAGES + "}")
                    .body()).get("prompt").asText();
            JsonNode tokens = TestServer.json(llamaServer.post("/tokenize", new ObjectMapper().createObjectNode()
                    .put("content", prompt).put("add_special", true).put("parse_special", true).toString()).body());
            expected = tokens.get("tokens").size();
            assertThat(prompt).startsWith("<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date:");
        }

        try (TestServer server = TestServer.serving(List.of(model))) {
            String product = ProductConfig.forModelFile(model, 0, null, 1).productName();
            HttpResponse<String> response = server.post("/v1/chat/completions", server.apiKey(),
                    "{\"model\": \"" + product + "\", \"max_tokens\": 1, \"messages\": " + MESSAGES + "}");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(TestServer.json(response.body()).get("usage").get("prompt_tokens").asInt()).isEqualTo(expected);
        }
    }
}
