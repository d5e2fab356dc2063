package org.openmaas.api.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.StopSequences;

/**
 * One choice's text as OpenAI returns it: the generated text up to, not including, the first stop sequence, with the
 * tokens that made it. The engine keeps a stop sequence in its text and only notices one that ends a token
 * ({@link StopSequences.Rule#ENDS_TEXT}, TGI's rule); here a stop sequence anywhere ends the choice
 * ({@link StopSequences.Rule#ANYWHERE}), and text that could be the start of one is held back until it is known not to
 * be, so a stream never sends what the whole response would not contain.
 *
 * <p>Special tokens (an end-of-generation token, template markers) add no text and are not reported, but for the
 * control tokens a model family marks tool calls with, which the reply's parser reads.
 * Used by one request thread. Not thread-safe.
 */
final class ChoiceText {

    /** Text that may be sent now, and the tokens whose text it completes (for logprobs). */
    record Piece(String text, List<GenerationEvent.TokenGenerated> tokens) {
        static final Piece EMPTY = new Piece("", List.of());

        Piece {
            tokens = List.copyOf(tokens);
        }

        boolean isEmpty() {
            return text.isEmpty() && tokens.isEmpty();
        }
    }

    /** A token not yet reported, and where its text ends in the whole text. */
    private record Held(GenerationEvent.TokenGenerated token, int start, int end) {
    }

    private final StopSequences stops;
    private final Set<String> keptControlTokens;
    private final StringBuilder pending = new StringBuilder(); // received, not yet released
    private final List<Held> heldTokens = new ArrayList<>();
    private int released;                                      // characters released so far
    private boolean stopped;

    /** @param keptControlTokens texts of control tokens that are part of the text (a model family's call markers) */
    ChoiceText(List<String> stops, Set<String> keptControlTokens) {
        this.stops = new StopSequences(stops, StopSequences.Rule.ANYWHERE);
        this.keptControlTokens = Set.copyOf(keptControlTokens);
    }

    /** Adds a generated token; returns what may be sent now (often nothing while a stop sequence may be starting). */
    Piece add(GenerationEvent.TokenGenerated token) {
        if (stopped || token.token().special() && !keptControlTokens.contains(token.token().text())) {
            return Piece.EMPTY;
        }
        int start = released + pending.length();
        pending.append(token.token().text());
        heldTokens.add(new Held(token, start, released + pending.length()));
        int stopAt = stops.find(pending);
        if (stopAt >= 0) {
            stopped = true;
            return release(stopAt, true);
        }
        return release(pending.length() - stops.heldBack(pending), false);
    }

    /** The generation ended: the rest of the text (nothing more once a stop sequence was found). */
    Piece finish() {
        return stopped ? Piece.EMPTY : release(pending.length(), false);
    }

    /** Whether a stop sequence ended the choice; later tokens are ignored. */
    boolean stopped() {
        return stopped;
    }

    /** Releases the first {@code length} pending characters; at a stop, a token that straddles it is reported. */
    private Piece release(int length, boolean atStop) {
        String text = pending.substring(0, length);
        pending.delete(0, length);
        released += length;
        List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>();
        while (!heldTokens.isEmpty()) {
            Held held = heldTokens.getFirst();
            boolean complete = held.end() <= released;
            boolean straddles = atStop && held.start() < released;
            if (!complete && !straddles) {
                break;
            }
            tokens.add(heldTokens.removeFirst().token());
        }
        if (atStop) {
            heldTokens.clear();
            pending.setLength(0);
        }
        return new Piece(text, tokens);
    }
}
