package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;

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
