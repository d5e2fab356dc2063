package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.TestModels;

/** A model loaded into llama.cpp: what it reports, its tokenizer and chat templates, on a generated model. */
class LlamaModelTest {

    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LlamaModel.load(GeneratedModel.path(), null);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void theModelReportsItsNameVocabularyAndTrainedContext() {
        assertThat(model.name()).isEqualTo(GeneratedModel.SPEC.name());
        assertThat(model.vocabSize()).isEqualTo(GeneratedModel.SPEC.vocabularySize());
        assertThat(model.trainedContextLength()).isEqualTo(GeneratedModel.SPEC.contextLength());
    }

    @Test
    void tokenizingStartsWithBosAndThePiecesGiveTheTextBack() {
        String text = "Once upon a time, Lily saw a big red ball.";
        int[] tokens = model.tokenize(text, false);

        assertThat(tokens[0]).isEqualTo(GeneratedModel.BOS);
        // SentencePiece marks the start of the text with a space, as it does every word.
        assertThat(detokenize(tokens)).isEqualTo(" " + text);
    }

    @Test
    void textThatIsNotInTheVocabularyRoundTripsThroughByteTokens() {
        String text = "naïve café 日本";

        assertThat(detokenize(model.tokenize(text, false))).isEqualTo(" " + text);
    }

    @Test
    void specialTokenTextBecomesTheSpecialTokenOnlyWhenParsingSpecials() {
        assertThat(model.tokenize("</s>", true)).containsExactly(GeneratedModel.BOS, GeneratedModel.EOS);
        assertThat(model.tokenize("</s>", false)).doesNotContain(GeneratedModel.EOS).hasSizeGreaterThan(2);
    }

    @Test
    void bosEosAndUnknownAreSpecialAndOnlyEosEndsAGeneration() {
        Vocabulary vocabulary = model.vocabulary();

        assertThat(vocabulary.isSpecial(0)).isTrue();
        assertThat(vocabulary.isSpecial(GeneratedModel.BOS)).isTrue();
        assertThat(vocabulary.isSpecial(GeneratedModel.EOS)).isTrue();
        assertThat(vocabulary.pieceText(GeneratedModel.EOS)).isEqualTo("</s>");
        assertThat(vocabulary.isEndOfGeneration(GeneratedModel.EOS)).isTrue();
        assertThat(vocabulary.isEndOfGeneration(GeneratedModel.BOS)).isFalse();
        assertThat(vocabulary.isSpecial(model.tokenize("time", false)[1])).isFalse();
    }

    @Test
    void aModelWithoutAChatTemplateRefusesChatMessages() {
        assertThat(model.hasChatTemplate()).isFalse();
        assertThatThrownBy(() -> model.applyChatTemplate(new Prompt.Chat(List.of(new ChatMessage("user", "hi"))), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no chat template");
    }

    @Test
    void aBuiltInTemplateNameRendersTheConversation() throws Exception {
        try (LlamaModel chatml = LlamaModel.load(GeneratedModel.path(), "chatml")) {
            String rendered = chatml.applyChatTemplate(new Prompt.Chat(
                    List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Tell a story"))), true);

            assertThat(chatml.hasChatTemplate()).isTrue();
            assertThat(rendered).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
                    + "<|im_start|>user\nTell a story<|im_end|>\n<|im_start|>assistant\n");
        }
    }

    @Test
    void aLongConversationIsRenderedWhole() throws Exception {
        try (LlamaModel chatml = LlamaModel.load(GeneratedModel.path(), "chatml")) {
            String story = "The end of a long story. ".repeat(2000);

            assertThat(chatml.applyChatTemplate(new Prompt.Chat(List.of(new ChatMessage("user", story))), false))
                    .isEqualTo("<|im_start|>user\n" + story + "<|im_end|>\n");
        }
    }

    @Test
    void aJinjaTemplateRendersToolsAndCallsAndLeavesTheBosItWritesToTheTokenizer() throws Exception {
        String template = "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}"
                + "{% for c in m.tool_calls %}{{ c.function.name }}{{ c.function.arguments|tojson }}{% endfor %}"
                + "{% endfor %}{{ tools|map(attribute='function.name')|join(',') }}";
        try (LlamaModel jinja = LlamaModel.load(GeneratedModel.path(), template)) {
            Prompt.Chat chat = new Prompt.Chat(List.of(new ChatMessage("user", "Weather?"), new ChatMessage("assistant",
                    Optional.empty(), List.of(new ToolCall("c1", "weather", "{\"city\": \"Oslo\"}")), Optional.empty())),
                    List.of(new ToolDefinition("weather", Optional.empty(), Optional.empty())));

            // the vocabulary adds <s> itself: a second one from the template would be a different prompt
            assertThat(jinja.applyChatTemplate(chat, true))
                    .isEqualTo("[user]Weather?[assistant]weather{\"city\": \"Oslo\"}weather");
        }
    }

    @Test
    void aConversationTheTemplateRefusesFailsWithTheTemplatesReason() throws Exception {
        String template = "{% if messages[0].role != 'user' %}{{ raise_exception('Conversations start with the user') }}"
                + "{% endif %}{{ messages[0].content }}";
        try (LlamaModel jinja = LlamaModel.load(GeneratedModel.path(), template)) {
            assertThatThrownBy(() -> jinja.applyChatTemplate(new Prompt.Chat(List.of(new ChatMessage("assistant", "hi"))),
                    true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot render this conversation: the template raised: Conversations start"
                            + " with the user (line 1, column");
        }
    }

    @Test
    void aConfiguredJinjaTemplateThatDoesNotCompileIsRejectedAtLoad() {
        assertThatThrownBy(() -> LlamaModel.load(GeneratedModel.path(), "{% for m in messages %}{{ m.content }}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the configured chat template does not compile: expected '{% else %}' or"
                        + " '{% endfor %}' but found the end of the template (line 1, column 39)");
    }

    @Test
    void aModelsTemplateThatDoesNotCompileFallsBackToLlamaCppsRendererWithoutTools() throws Exception {
        // not Jinja this engine runs (a recursive loop), but llama.cpp recognises ChatML by its markers
        String template = "{% for m in messages recursive %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
                + "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
        try (LlamaModel fallback = LlamaModel.load(TestModels.generated(RandomLlama.Spec.tiny()
                .withName("random-llama-uncompiled-template").withChatTemplate(template)), null)) {
            assertThat(fallback.applyChatTemplate(new Prompt.Chat(List.of(new ChatMessage("user", "hi"))), true))
                    .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
            assertThatThrownBy(() -> fallback.applyChatTemplate(new Prompt.Chat(List.of(new ChatMessage("user", "hi")),
                    List.of(new ToolDefinition("f", Optional.empty(), Optional.empty()))), true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot render tools");
        }
    }

    @Test
    void anUnknownTemplateNameIsRejectedAtLoad() {
        assertThatThrownBy(() -> LlamaModel.load(GeneratedModel.path(), "no-such-template"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-template");
    }

    @Test
    void aMissingFileIsReportedAsSuch() {
        assertThatThrownBy(() -> LlamaModel.load(Path.of("/nonexistent/model.gguf"), null))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aClosedModelRefusesToTokenize() throws Exception {
        LlamaModel closed = LlamaModel.load(GeneratedModel.path(), null);
        closed.close();

        assertThatThrownBy(() -> closed.tokenize("Once", false)).isInstanceOf(IllegalStateException.class);
    }

    private static String detokenize(int[] tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int token : tokens) {
            if (!model.vocabulary().isSpecial(token)) {
                bytes.writeBytes(model.vocabulary().piece(token));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
