package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.GenerationEvent.TokenGenerated;
import org.openmaas.engine.Token;

/** The stop rule of OpenAI's routes, token by token, without an engine. */
class ChoiceTextTest {

    @Test
    void withoutStopSequencesEveryTokenIsReleasedAtOnce() {
        ChoiceText text = new ChoiceText(List.of(), Set.of());

        assertThat(text.add(token("Once")).text()).isEqualTo("Once");
        assertThat(text.add(token(" upon")).text()).isEqualTo(" upon");
    }

    @Test
    void aStopSequenceIsNotReturned() {
        assertThat(run(List.of("END"), "The", " story", "END")).isEqualTo("The story");
    }

    @Test
    void aStopSequenceInsideATokenCutsTheTextWhereItStarts() {
        ChoiceText text = new ChoiceText(List.of("\n\n"), Set.of());

        assertThat(text.add(token("Hello")).text()).isEqualTo("Hello");
        assertThat(text.add(token(".\n\nNext")).text()).isEqualTo(".");
        assertThat(text.stopped()).isTrue();
    }

    @Test
    void textThatMayStartAStopSequenceIsHeldBack() {
        ChoiceText text = new ChoiceText(List.of("<end>"), Set.of());

        assertThat(text.add(token("a <e")).text()).isEqualTo("a ");
        assertThat(text.add(token("n")).text()).isEmpty();
    }

    @Test
    void heldTextIsReleasedOnceItCannotStartAStopSequence() {
        ChoiceText text = new ChoiceText(List.of("<end>"), Set.of());
        text.add(token("a <e"));

        assertThat(text.add(token("ntry")).text()).isEqualTo("<entry");
    }

    @Test
    void heldTextIsReleasedWhenTheGenerationEndsWithoutAStop() {
        ChoiceText text = new ChoiceText(List.of("<end>"), Set.of());
        text.add(token("a <en"));

        assertThat(text.finish().text()).isEqualTo("<en");
    }

    @Test
    void theEarliestOfSeveralStopSequencesWins() {
        assertThat(run(List.of("c", "ab"), "xxabc")).isEqualTo("xx");
    }

    @Test
    void tokensAfterAStopAreIgnored() {
        ChoiceText text = new ChoiceText(List.of("."), Set.of());
        text.add(token("Hi."));

        assertThat(text.add(token(" more")).isEmpty()).isTrue();
        assertThat(text.finish().isEmpty()).isTrue();
    }

    @Test
    void specialTokensAddNoText() {
        ChoiceText text = new ChoiceText(List.of(), Set.of());

        assertThat(text.add(new TokenGenerated(new Token(2, "</s>", -0.1f, true), List.of())).isEmpty()).isTrue();
    }

    @Test
    void aControlTokenThatMarksToolCallsIsText() {
        ChoiceText text = new ChoiceText(List.of(), Set.of("[TOOL_CALLS]"));

        assertThat(text.add(new TokenGenerated(new Token(5, "[TOOL_CALLS]", -0.1f, true), List.of())).text())
                .isEqualTo("[TOOL_CALLS]");
        assertThat(text.add(new TokenGenerated(new Token(2, "</s>", -0.1f, true), List.of())).isEmpty()).isTrue();
    }

    @Test
    void aHeldTokenIsReportedWithTheTextThatCompletesIt() {
        ChoiceText text = new ChoiceText(List.of("<end>"), Set.of());
        ChoiceText.Piece first = text.add(token("a <"));
        ChoiceText.Piece second = text.add(token("b"));

        assertThat(first.tokens()).isEmpty();
        assertThat(second.tokens()).extracting(t -> t.token().text()).containsExactly("a <", "b");
    }

    @Test
    void theTokenInWhichAStopSequenceStartsIsReportedAndLaterOnesAreNot() {
        ChoiceText text = new ChoiceText(List.of("STOP"), Set.of());
        ChoiceText.Piece first = text.add(token("ok S"));
        ChoiceText.Piece last = text.add(token("TOP now"));

        assertThat(first.text() + last.text()).isEqualTo("ok ");
        assertThat(last.tokens()).extracting(t -> t.token().text()).containsExactly("ok S");
    }

    private static String run(List<String> stops, String... pieces) {
        ChoiceText text = new ChoiceText(stops, Set.of());
        List<String> released = new ArrayList<>();
        for (String piece : pieces) {
            released.add(text.add(token(piece)).text());
        }
        released.add(text.finish().text());
        return String.join("", released);
    }

    private static TokenGenerated token(String text) {
        return new TokenGenerated(new Token(7, text, -0.5f, false), List.of());
    }
}
