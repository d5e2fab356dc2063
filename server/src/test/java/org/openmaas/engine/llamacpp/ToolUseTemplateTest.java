package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.chat.tools.ToolCallFormat;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * A GGUF that carries its tool template as the named variant {@code tokenizer.chat_template.tool_use} beside a default
 * without tools, as Hermes 2 Pro's and Hermes 3's do: conversations with tools are rendered with the variant and read
 * in its family's markup, the others with the default, exactly as llama-server renders them from the same file
 * ({@code /apply-template}, {@code common_chat_templates_apply_jinja}); and a forced call through HTTP parses.
 */
class ToolUseTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Hermes 2 Pro's default template, the {@code "default"} entry of the {@code chat_template} list in
     * NousResearch/Hermes-2-Pro-Llama-3-8B's {@code tokenizer_config.json} (llama.cpp's source carries only the
     * tool_use one).
     */
    static final String HERMES_2_PRO_DEFAULT = "{{bos_token}}{% for message in messages %}{{'<|im_start|>' + "
            + "message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if "
            + "add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    static String toolUse;
    static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        toolUse = Files.readString(LlamaSource.folder()
                .resolve("models/templates/NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja"));
        model = TestModels.generated(RandomLlama.Spec.tiny().withName("random-hermes-2-pro-both-templates")
                .withContextLength(2048)
                .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary("llama-bpe")))
                .withChatTemplate(HERMES_2_PRO_DEFAULT)
                .withNamedChatTemplate("tool_use", toolUse));
    }

    @Test
    void conversationsWithToolsAreRenderedWithTheToolUseVariantAndTheOthersWithTheDefaultAsByLlamaServer()
            throws IOException {
        try (LlamaModel ours = LlamaModel.load(model, null);
             LlamaServerProcess server = LlamaServerProcess.start(model, 1, 2048)) {
            for (ChatTemplateFamiliesTest.Conversation conversation : ChatTemplateFamiliesTest.conversations()) {
                Prompt.Chat chat = conversation.chat();
                HttpResponse<String> oracle = server.post("/apply-template",
                        ChatTemplateFamiliesTest.openAiJson(chat));
                assertThat(oracle.statusCode()).as(oracle.body()).isEqualTo(200);
                String expected = JSON.readTree(oracle.body()).path("prompt").asText();
                String rendered = ours.applyChatTemplate(chat, true);

                assertThat(rendered).as(conversation.name()).isEqualTo(expected);
                assertThat(ours.chatTemplate(chat)).as(conversation.name())
                        .contains(chat.tools().isEmpty() ? HERMES_2_PRO_DEFAULT : toolUse);
                assertThat(rendered.contains("<tools>")).as(conversation.name()).isEqualTo(!chat.tools().isEmpty());
            }
        }
    }

    @Test
    void theToolCallFamilyIsTheVariantsThoughTheDefaultHasNone() throws IOException {
        Prompt.Chat withTools = new Prompt.Chat(List.of(new ChatMessage("user", "Weather?")),
                List.of(new ToolDefinition("get_weather", Optional.empty(), Optional.empty())));
        try (LlamaModel ours = LlamaModel.load(model, null)) {
            assertThat(ours.chatTemplate(withTools).flatMap(ToolCallFormat::forTemplate).map(ToolCallFormat::family))
                    .contains("hermes");
            assertThat(ours.chatTemplate(new Prompt.Chat(withTools.messages())).flatMap(ToolCallFormat::forTemplate))
                    .isEmpty();
        }
    }

    @Test
    void aConfiguredTemplateReplacesBothAndAFileWithOnlyTheVariantRendersEverythingWithIt() throws IOException {
        Prompt.Chat plain = new Prompt.Chat(List.of(new ChatMessage("user", "Hi")));
        Prompt.Chat withTools = new Prompt.Chat(plain.messages(),
                List.of(new ToolDefinition("get_weather", Optional.empty(), Optional.empty())));
        Path onlyVariant = TestModels.generated(RandomLlama.Spec.tiny().withName("random-hermes-2-pro-tool-use-only")
                .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary("llama-bpe")))
                .withNamedChatTemplate("tool_use", toolUse));
        try (LlamaModel configured = LlamaModel.load(model, "chatml");
             LlamaModel variantOnly = LlamaModel.load(onlyVariant, null)) {
            assertThat(configured.chatTemplate(withTools)).contains("chatml");
            assertThat(variantOnly.hasChatTemplate()).isTrue();
            assertThat(variantOnly.chatTemplate(plain)).contains(toolUse);
            assertThat(variantOnly.chatTemplate(withTools)).contains(toolUse);
        }
    }

    @Test
    void aForcedCallThroughHttpParsesInTheVariantsMarkup() {
        try (TestServer server = TestServer.serving(List.of(model))) {
            String key = server.apiKey();
            String id = TestServer.json(server.get("/v1/models", key).body()).get("data").get(0).get("id").asText();
            HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                    {"model": "%s", "messages": [{"role": "user", "content": "Weather?"}], "max_tokens": 400,
                     "seed": 1, "tools": [{"type": "function", "function": {"name": "get_weather", "parameters":
                     {"type": "object", "properties": {"unit": {"enum": ["celsius", "fahrenheit"]}},
                      "required": ["unit"], "additionalProperties": false}}}], "tool_choice": "required",
                     "parallel_tool_calls": false}""".formatted(id));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode choice = TestServer.json(response.body()).get("choices").get(0);
            assertThat(choice.get("finish_reason").asText()).as(response.body()).isEqualTo("tool_calls");
            JsonNode call = choice.get("message").get("tool_calls").get(0);
            assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
            assertThat(TestServer.json(call.get("function").get("arguments").asText()).get("unit").asText())
                    .isIn("celsius", "fahrenheit");
        }
    }
}
