package org.openmaas.engine;

import java.util.List;

/**
 * Finds a request's stop sequences in generated text, under one of the two rules the APIs follow. The text is given
 * whole each time (callers keep it; it only grows between calls), so the matcher holds no state. Empty stop sequences
 * are ignored: one would end every generation after its first token (validation refuses them anyway).
 */
public final class StopSequences {

    /** When a stop sequence ends a generation. */
    public enum Rule {
        /**
         * TGI's: the text ends with a stop sequence after a token. A stop sequence that a token carries past (or that
         * starts and ends inside one token's text, followed by more) does not count; the stop sequence stays in the
         * text, so no text ever has to be held back.
         */
        ENDS_TEXT,
        /**
         * OpenAI's: a stop sequence anywhere in the text ends it, and the text is cut before it; text that could be
         * the start of a stop sequence is held back until the next token decides.
         */
        ANYWHERE
    }

    private final List<String> stops;
    private final Rule rule;

    public StopSequences(List<String> stops, Rule rule) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.rule = rule;
    }

    /** Where the earliest stop sequence that ends {@code text} under this rule starts, or -1 when none does. */
    public int find(CharSequence text) {
        int first = -1;
        for (String stop : stops) {
            int at = switch (rule) {
                case ENDS_TEXT -> matchesAt(text, text.length() - stop.length(), stop, stop.length())
                        ? text.length() - stop.length() : -1;
                case ANYWHERE -> text.toString().indexOf(stop);
            };
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /**
     * How many characters at the end of {@code text} may not be sent yet because the next token could complete a
     * stop sequence from them: the longest end of the text that starts a stop sequence under {@link Rule#ANYWHERE},
     * always 0 under {@link Rule#ENDS_TEXT}.
     */
    public int heldBack(CharSequence text) {
        if (rule == Rule.ENDS_TEXT) {
            return 0;
        }
        int longest = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, text.length()); length > longest; length--) {
                if (matchesAt(text, text.length() - length, stop, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    /** Whether the first {@code length} characters of {@code stop} are in {@code text} at {@code start}. */
    private static boolean matchesAt(CharSequence text, int start, String stop, int length) {
        if (start < 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (text.charAt(start + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
