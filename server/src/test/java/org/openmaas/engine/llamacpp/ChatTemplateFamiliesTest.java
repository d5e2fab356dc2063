package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;

/**
 * Every model family the README lists renders its conversations exactly as llama.cpp's own Jinja renderer does: a
 * random-weight GGUF with the family's real chat template ({@code models/templates/*.jinja} of llama.cpp's source) and
 * a real vocabulary, loaded here and served by {@code llama-server}, whose {@code POST /apply-template} is the oracle.
 * Where llama-server refuses a conversation (the template raises), this server refuses it too.
 */
class ChatTemplateFamiliesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A family: its name in the README, its template file in llama.cpp's source, the vocabulary it is tested with. */
    record Family(String name, String template, String vocabulary) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Family> families() {
        return Stream.of(
                new Family("Llama 3.1", "meta-llama-Llama-3.1-8B-Instruct", "llama-bpe"),
                new Family("Llama 3.2", "meta-llama-Llama-3.2-3B-Instruct", "llama-bpe"),
                new Family("Llama 3.3", "meta-llama-Llama-3.3-70B-Instruct", "llama-bpe"),
                new Family("Qwen2.5", "Qwen-Qwen2.5-7B-Instruct", "qwen2"),
                new Family("Qwen3", "Qwen-Qwen3-0.6B", "qwen2"),
                new Family("QwQ", "Qwen-QwQ-32B", "qwen2"),
                new Family("Mistral Nemo", "mistralai-Mistral-Nemo-Instruct-2407", "llama-spm"),
                new Family("Mistral Small 3.2", "Mistral-Small-3.2-24B-Instruct-2506", "llama-spm"),
                new Family("Hermes 2 Pro", "NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use", "llama-bpe"),
                new Family("Hermes 3", "NousResearch-Hermes-3-Llama-3.1-8B-tool_use", "llama-bpe"),
                new Family("functionary v3.2", "meetkai-functionary-medium-v3.2", "llama-bpe"),
                new Family("firefunction v2", "fireworks-ai-llama-3-firefunction-v2", "llama-bpe"),
                new Family("DeepSeek R1 Distill (Llama)", "deepseek-ai-DeepSeek-R1-Distill-Llama-8B", "llama-bpe"),
                new Family("DeepSeek R1 Distill (Qwen)", "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B", "qwen2"),
                new Family("Phi-3.5", "microsoft-Phi-3.5-mini-instruct", "phi-3"),
                new Family("Gemma 2", "google-gemma-2-2b-it", "llama-spm"),
                new Family("Granite 3.3", "ibm-granite-granite-3.3-2B-Instruct", "gpt-2"),
                new Family("gpt-oss", "openai-gpt-oss-120b", "gpt-2"),
                new Family("SmolLM3", "HuggingFaceTB-SmolLM3-3B", "llama-bpe"),
                new Family("Command R7B", "CohereForAI-c4ai-command-r7b-12-2024-tool_use", "command-r"));
    }

    private static final ToolDefinition WEATHER = new ToolDefinition("get_weather",
            Optional.of("Get the current weather in a city"), Optional.of("""
            {"type": "object", "properties": {"location": {"type": "string", "description": "The city, e.g. Paris"},
             "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}"""));
    private static final ToolDefinition TIME = new ToolDefinition("get_time", Optional.of("The time in a timezone"),
            Optional.of("{\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\"}}}"));

    /** The conversations each family renders, by name. */
    static List<Conversation> conversations() {
        ChatMessage system = new ChatMessage("system", "You are a helpful assistant.");
        ChatMessage question = new ChatMessage("user", "What's the weather in Paris and in Tōkyō? Answer «briefly».");
        ToolCall paris = new ToolCall("call00001", "get_weather", "{\"location\": \"Paris\", \"unit\": \"celsius\"}");
        ToolCall tokyo = new ToolCall("call00002", "get_weather", "{\"location\": \"Tōkyō\"}");
        return List.of(
                new Conversation("system and user", new Prompt.Chat(List.of(system,
                        new ChatMessage("user", "Hello! Who are you?")))),
                new Conversation("multi-turn", new Prompt.Chat(List.of(system,
                        new ChatMessage("user", "Name a colour."), new ChatMessage("assistant", "Blue."),
                        new ChatMessage("user", "Another one, please.")))),
                new Conversation("with tools", new Prompt.Chat(List.of(system, question), List.of(WEATHER, TIME))),
                new Conversation("a tool call and its result", new Prompt.Chat(List.of(question,
                        new ChatMessage("assistant", Optional.empty(), List.of(paris), Optional.empty()),
                        new ChatMessage("tool", Optional.of("{\"temperature\": 22, \"sky\": \"clear\"}"), List.of(),
                                Optional.of("call00001"))), List.of(WEATHER, TIME))),
                new Conversation("two parallel calls", new Prompt.Chat(List.of(system, question,
                        new ChatMessage("assistant", Optional.empty(), List.of(paris, tokyo), Optional.empty()),
                        new ChatMessage("tool", Optional.of("22 °C"), List.of(), Optional.of("call00001")),
                        new ChatMessage("tool", Optional.of("18 °C"), List.of(), Optional.of("call00002")),
                        new ChatMessage("assistant", "Paris: 22 °C; Tōkyō: 18 °C."),
                        new ChatMessage("user", "Thanks!")), List.of(WEATHER, TIME))));
    }

    record Conversation(String name, Prompt.Chat chat) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void rendersEveryConversationAsLlamaServer(Family family) throws IOException {
        String template = Files.readString(LlamaSource.folder().resolve("models/templates/" + family.template() + ".jinja"));
        Path model = TestModels.generated(RandomLlama.Spec.tiny().withName("random-" + family.template())
                .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary(family.vocabulary())))
                .withChatTemplate(template));
        try (LlamaModel ours = LlamaModel.load(model, null);
             LlamaServerProcess server = LlamaServerProcess.start(model, 1, 512)) {
            for (Conversation conversation : conversations()) {
                HttpResponse<String> oracle = server.post("/apply-template", openAiJson(conversation.chat()));
                String what = family.name() + ", " + conversation.name();
                if (oracle.statusCode() != 200) {
                    assertThatThrownBy(() -> ours.applyChatTemplate(conversation.chat(), true))
                            .as("%s: llama-server refused it (%s), so must we", what, oracle.body())
                            .isInstanceOf(IllegalStateException.class);
                    continue;
                }
                String expected = JSON.readTree(oracle.body()).path("prompt").asText();
                assertThat(ours.applyChatTemplate(conversation.chat(), true)).as(what).isEqualTo(expected);
            }
        }
    }

    /** The conversation as a client sends it to {@code /v1/chat/completions}. */
    static String openAiJson(Prompt.Chat chat) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : chat.messages()) {
            ObjectNode m = messages.addObject().put("role", message.role());
            message.content().ifPresentOrElse(content -> m.put("content", content), () -> m.putNull("content"));
            message.toolCallId().ifPresent(id -> m.put("tool_call_id", id));
            if (!message.toolCalls().isEmpty()) {
                ArrayNode calls = m.putArray("tool_calls");
                for (ToolCall call : message.toolCalls()) {
                    calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
                            .put("name", call.name()).put("arguments", call.arguments());
                }
            }
        }
        if (!chat.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : chat.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function")
                        .put("name", tool.name());
                tool.description().ifPresent(d -> function.put("description", d));
                tool.parameters().ifPresent(p -> function.set("parameters", parse(p)));
            }
        }
        return body.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
