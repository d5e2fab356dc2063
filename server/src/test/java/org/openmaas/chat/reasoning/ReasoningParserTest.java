package org.openmaas.chat.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.Splits;

/**
 * Replies of reasoning models as they write them, read whole and streamed: however the text is split, the reasoning
 * and the answer are the same, as llama-server's {@code --reasoning-format auto} (its default) returns them
 * ({@code tests/test-chat.cpp} of llama.cpp has these cases for Qwen3, QwQ and the R1 distills).
 */
class ReasoningParserTest {

    /** Qwen3: the prompt leaves the choice to the model, which opens the tag itself. */
    private static final Reasoning QWEN3 = new Reasoning("<think>", "</think>", false);
    /** QwQ and the DeepSeek R1 distills: the generation prompt ends in {@code <think>\n}. */
    private static final Reasoning OPENED = new Reasoning("<think>", "</think>", true);

    @Test
    void qwen3sThinkBlockAtTheStartIsTheReasoningAndTheRestTheAnswer() {
        assertEverySplit(QWEN3, "<think>\nThe user greets me.\nI greet back.\n</think>\n\nHello!",
                "The user greets me.\nI greet back.", "Hello!");
    }

    @Test
    void aReplyThatDoesNotOpenTheTagIsAllAnswerUnchanged() {
        assertEverySplit(QWEN3, "Hello! <think>is</think> a tag.", "", "Hello! <think>is</think> a tag.");
        assertEverySplit(QWEN3, "  <thin ice", "", "  <thin ice");
        assertEverySplit(QWEN3, "\n<thi", "", "\n<thi");
    }

    @Test
    void anEmptyThinkBlockIsNoReasoning() {
        assertEverySplit(QWEN3, "<think>\n\n</think>\n\nHello!", "", "Hello!");
        assertEverySplit(OPENED, "\n</think>\n\nHello!", "", "Hello!");
    }

    @Test
    void whenThePromptOpenedTheTagTheReplyReasonsFromItsFirstCharacter() {
        assertEverySplit(OPENED, "Let me think about this...\n</think>\nThe answer is 42.",
                "Let me think about this...", "The answer is 42.");
        assertEverySplit(OPENED, "I'm\nthinking</think>Hello, world!\nWhat's up?", "I'm\nthinking",
                "Hello, world!\nWhat's up?");
        assertEverySplit(OPENED, "</think>Hello, world!", "", "Hello, world!");
    }

    @Test
    void aModelThatOpensTheTagAgainAfterThePromptDidReasonsOnce() {
        assertEverySplit(OPENED, "<think>\nHmm.\n</think>\n\nYes.", "Hmm.", "Yes.");
    }

    @Test
    void aReplyThatEndsInsideItsReasoningWasAllReasoning() {
        assertEverySplit(OPENED, "I was still thinking when the budget ran out\n", "I was still thinking when the "
                + "budget ran out", "");
        assertEverySplit(QWEN3, "<think>\nStill going </thi", "Still going </thi", "");
    }

    @Test
    void whatFollowsTheClosingTagIsAnswerEvenIfItMentionsTags() {
        assertEverySplit(QWEN3, "<think>a</think>b</think><think>c", "a", "b</think><think>c");
    }

    @Test
    void reasoningGoesOutAsSoonAsItCannotBeTheClosingTagOrTrailingSpace() {
        ReasoningParser parser = new ReasoningParser(QWEN3);

        assertThat(parser.add("  <thi")).isEmpty();
        assertThat(parser.add("nk>\nOne")).containsExactly(new ReasoningParser.Part.Thought("One"));
        assertThat(parser.add(" two \n</")).containsExactly(new ReasoningParser.Part.Thought(" two"));
        assertThat(parser.add("nope")).containsExactly(new ReasoningParser.Part.Thought(" \n</nope"));
        assertThat(parser.add("</think>\n\n")).isEmpty();
        assertThat(parser.add("Done")).containsExactly(new ReasoningParser.Part.Answer("Done"));
        assertThat(parser.finish()).isEmpty();
    }

    @Test
    void theTemplatesOfReasoningFamiliesAreKnownByTheirClosingTagAndTheirPromptsByItsOpening() {
        assertThat(Reasoning.of("{{ message.content.split('</think>')[-1] }}", "<|im_start|>assistant\n"))
                .contains(QWEN3);
        assertThat(Reasoning.of("{{ content.split('</think>')[-1] }}", "<｜Assistant｜><think>\n")).contains(OPENED);
        assertThat(Reasoning.of("{{ '<|im_start|>' + message.role }}", "<|im_start|>assistant\n")).isEmpty();
    }

    /** The reply read in every way {@link Splits} splits it. */
    private static void assertEverySplit(Reasoning reasoning, String reply, String thought, String answer) {
        for (List<String> pieces : Splits.of(reply)) {
            ReasoningParser parser = new ReasoningParser(reasoning);
            List<ReasoningParser.Part> parts = new ArrayList<>();
            pieces.forEach(piece -> parts.addAll(parser.add(piece)));
            parts.addAll(parser.finish());

            StringBuilder thoughts = new StringBuilder();
            StringBuilder answers = new StringBuilder();
            for (ReasoningParser.Part part : parts) {
                switch (part) {
                    case ReasoningParser.Part.Thought t -> {
                        assertThat(answers).as("no reasoning after the answer began, in %s", pieces).isEmpty();
                        thoughts.append(t.text());
                    }
                    case ReasoningParser.Part.Answer a -> answers.append(a.text());
                }
            }
            assertThat(thoughts.toString()).as("reasoning of %s", pieces).isEqualTo(thought);
            assertThat(answers.toString()).as("answer of %s", pieces).isEqualTo(answer);
        }
    }
}
