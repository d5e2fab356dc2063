package org.openmaas.engine.llamacpp;

import java.util.List;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.StopSequences;
import org.openmaas.engine.Utf8Accumulator;
import org.openmaas.engine.Token;

/**
 * What one sequence has generated so far and whether it must stop; pure Java, so the text rules can be tested
 * without llama.cpp.
 *
 * <p>The rule that holds after every step: the concatenation of the non-special tokens' text equals {@link #text()}.
 * Special tokens stream their own text (e.g. {@code </s>}) but add nothing to the generated text. An incomplete
 * character left when the generation ends becomes U+FFFD on the last token, unless that token is special (an EOS
 * token cutting a character short): then no non-special token is left to carry it, and it is dropped.
 */
final class Transcript {

    /** One generated token, and why the generation ends with it (null while it goes on). */
    record Step(Token token, FinishReason finish) {
    }

    private final Vocabulary vocabulary;
    private final int maxNewTokens;
    private final StopSequences stopSequences;
    private final Utf8Accumulator utf8 = new Utf8Accumulator();
    private final StringBuilder text = new StringBuilder();
    private int generatedTokens;

    Transcript(Vocabulary vocabulary, int maxNewTokens, List<String> stopSequences) {
        this.vocabulary = vocabulary;
        this.maxNewTokens = maxNewTokens;
        this.stopSequences = new StopSequences(stopSequences, StopSequences.Rule.ENDS_TEXT);
    }

    /** Adds the token the sampler chose; the checks run in the order EOS, stop sequence, length. */
    Step append(int token, float logprob) {
        generatedTokens++;
        boolean special = vocabulary.isSpecial(token);
        String piece = special ? vocabulary.pieceText(token) : utf8.append(vocabulary.piece(token));
        FinishReason finish = null;
        if (vocabulary.isEndOfGeneration(token)) {
            finish = FinishReason.EOS_TOKEN;
        }
        if (!special) {
            text.append(piece);
            if (finish == null && !piece.isEmpty() && stopSequences.find(text) >= 0) {
                finish = FinishReason.STOP_SEQUENCE;
            }
        }
        if (finish == null && generatedTokens >= maxNewTokens) {
            finish = FinishReason.LENGTH;
        }
        if (finish != null && !special) {
            String rest = utf8.flush();
            piece += rest;
            text.append(rest);
        }
        return new Step(new Token(token, piece, logprob, special), finish);
    }

    /** Tokens generated so far, special ones (and a final EOS) included, as TGI counts them. */
    int generatedTokens() {
        return generatedTokens;
    }

    String text() {
        return text.toString();
    }
}
