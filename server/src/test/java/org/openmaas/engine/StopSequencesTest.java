package org.openmaas.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.StopSequences.Rule;

/** The two stop rules on whole texts; {@code TranscriptTest} and {@code ChoiceTextTest} show them token by token. */
class StopSequencesTest {

    @Nested
    class TgisRuleEndsTheTextOnlyWhereAStopSequenceEndsIt {

        @Test
        void aStopSequenceAtTheEndIsFoundWhereItStarts() {
            assertThat(new StopSequences(List.of("END"), Rule.ENDS_TEXT).find("The storyEND")).isEqualTo(9);
        }

        @Test
        void aStopSequenceFollowedByMoreTextDoesNotCount() {
            assertThat(new StopSequences(List.of("lo wo"), Rule.ENDS_TEXT).find("Hello world")).isEqualTo(-1);
        }

        @Test
        void ofTwoStopSequencesEndingTheTextTheLongerStartsEarlier() {
            assertThat(new StopSequences(List.of("c", "bc"), Rule.ENDS_TEXT).find("abc")).isEqualTo(1);
        }

        @Test
        void nothingIsHeldBackBecauseTheStopSequenceStaysInTheText() {
            assertThat(new StopSequences(List.of("<end>"), Rule.ENDS_TEXT).heldBack("a <en")).isZero();
        }
    }

    @Nested
    class OpenAisRuleEndsTheTextWhereverAStopSequenceIs {

        @Test
        void aStopSequenceInsideTheTextIsFound() {
            assertThat(new StopSequences(List.of("\n\n"), Rule.ANYWHERE).find("Hello.\n\nNext")).isEqualTo(6);
        }

        @Test
        void theEarliestOfSeveralStopSequencesWins() {
            assertThat(new StopSequences(List.of("c", "ab"), Rule.ANYWHERE).find("xxabc")).isEqualTo(2);
        }

        @Test
        void theLongestEndThatStartsAStopSequenceIsHeldBack() {
            StopSequences stops = new StopSequences(List.of("<end>", "nd!"), Rule.ANYWHERE);

            assertThat(stops.heldBack("a <en")).isEqualTo(3);
            assertThat(stops.heldBack("a <entry")).isZero();
        }

        @Test
        void aWholeStopSequenceIsFoundNotHeldBack() {
            StopSequences stops = new StopSequences(List.of("<end>"), Rule.ANYWHERE);

            assertThat(stops.heldBack("a <end>")).isZero();
            assertThat(stops.find("a <end>")).isEqualTo(2);
        }
    }

    @Test
    void anEmptyStopSequenceIsIgnoredUnderEitherRule() {
        for (Rule rule : Rule.values()) {
            StopSequences stops = new StopSequences(List.of(""), rule);

            assertThat(stops.find("any text")).as(rule.name()).isEqualTo(-1);
            assertThat(stops.heldBack("any text")).as(rule.name()).isZero();
        }
    }
}
