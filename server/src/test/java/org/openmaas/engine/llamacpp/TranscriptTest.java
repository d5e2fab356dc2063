package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Token;

class TranscriptTest {

    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int HELLO = 3;
    private static final int WORLD = 4;
    private static final int E_ACUTE_FIRST_BYTE = 5;
    private static final int E_ACUTE_SECOND_BYTE = 6;
    private static final int DOT = 7;

    private static final Vocabulary VOCABULARY = new Vocabulary(
            new byte[][] {
                    text("<unk>"), text("<s>"), text("</s>"), text("Hello"), text(" world"),
                    {(byte) 0xC3}, {(byte) 0xA9}, text(".")},
            new boolean[] {true, true, true, false, false, false, false, false},
            new boolean[] {false, false, true, false, false, false, false, false});

    @Test
    void theTextsOfNonSpecialTokensConcatenateToTheGeneratedText() {
        Transcript transcript = new Transcript(VOCABULARY, 10, List.of());
        List<Transcript.Step> steps = appendAll(transcript, HELLO, E_ACUTE_FIRST_BYTE, E_ACUTE_SECOND_BYTE, WORLD, DOT);

        assertThat(steps).extracting(step -> step.token().text()).containsExactly("Hello", "", "é", " world", ".");
        assertThat(transcript.text()).isEqualTo("Helloé world.");
        assertThat(steps).extracting(Transcript.Step::finish).containsOnlyNulls();
    }

    @Test
    void aSpecialTokenStreamsItsTextButAddsNothingToTheGeneratedText() {
        Transcript transcript = new Transcript(VOCABULARY, 10, List.of());
        List<Transcript.Step> steps = appendAll(transcript, HELLO, BOS, WORLD);

        assertThat(steps.get(1).token()).isEqualTo(new Token(BOS, "<s>", -1f, true));
        assertThat(transcript.text()).isEqualTo("Hello world");
        assertThat(transcript.generatedTokens()).isEqualTo(3);
    }

    @Test
    void anEosTokenEndsTheGenerationAsASpecialTokenThatIsCounted() {
        Transcript transcript = new Transcript(VOCABULARY, 10, List.of());
        List<Transcript.Step> steps = appendAll(transcript, HELLO, EOS);

        assertThat(steps.get(1).token()).isEqualTo(new Token(EOS, "</s>", -1f, true));
        assertThat(steps.get(1).finish()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(transcript.text()).isEqualTo("Hello");
        assertThat(transcript.generatedTokens()).isEqualTo(2);
    }

    @Test
    void aStopSequenceSpanningTokensEndsTheGenerationAndStaysInTheText() {
        Transcript transcript = new Transcript(VOCABULARY, 10, List.of("lo wo"));
        List<Transcript.Step> steps = appendAll(transcript, HELLO, WORLD);

        assertThat(steps.get(0).finish()).isNull();
        assertThat(steps.get(1).finish()).isNull(); // "Hello world" contains "lo wo" but does not end with it
        Transcript ending = new Transcript(VOCABULARY, 10, List.of("o world"));
        assertThat(appendAll(ending, HELLO, WORLD).get(1).finish()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(ending.text()).isEqualTo("Hello world");
    }

    @Test
    void maxNewTokensEndsTheGenerationWithLength() {
        Transcript transcript = new Transcript(VOCABULARY, 2, List.of());
        List<Transcript.Step> steps = appendAll(transcript, HELLO, WORLD);

        assertThat(steps).extracting(Transcript.Step::finish).containsExactly(null, FinishReason.LENGTH);
    }

    @Test
    void anEosTokenOnTheLastAllowedTokenReportsEosRatherThanLength() {
        Transcript transcript = new Transcript(VOCABULARY, 2, List.of());

        assertThat(appendAll(transcript, HELLO, EOS).get(1).finish()).isEqualTo(FinishReason.EOS_TOKEN);
    }

    @Test
    void aCharacterCutShortByTheLengthLimitBecomesAReplacementOnTheLastToken() {
        Transcript transcript = new Transcript(VOCABULARY, 2, List.of());
        List<Transcript.Step> steps = appendAll(transcript, HELLO, E_ACUTE_FIRST_BYTE);

        assertThat(steps.get(1).token().text()).isEqualTo("\uFFFD");
        assertThat(transcript.text()).isEqualTo("Hello\uFFFD");
    }

    @Test
    void aCharacterCutShortByEosIsDroppedSoTheTextsStillConcatenate() {
        Transcript transcript = new Transcript(VOCABULARY, 10, List.of());
        List<Transcript.Step> steps = appendAll(transcript, HELLO, E_ACUTE_FIRST_BYTE, EOS);

        assertThat(steps).extracting(step -> step.token().text()).containsExactly("Hello", "", "</s>");
        assertThat(transcript.text()).isEqualTo("Hello");
    }

    private static List<Transcript.Step> appendAll(Transcript transcript, int... tokens) {
        List<Transcript.Step> steps = new ArrayList<>();
        for (int token : tokens) {
            steps.add(transcript.append(token, -1f));
        }
        return steps;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
