package org.openmaas.chat.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads call markup from the text after a call marker, which may still be growing: each step says whether the text
 * matches so far ({@link #ok()}), cannot be a call ({@link #failed()}), or ends before it can tell
 * ({@link #incomplete()}). Once not ok, every later step does nothing, so a format reads its markup top to bottom and
 * asks once at the end.
 */
final class Cursor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private enum State { OK, INCOMPLETE, FAILED }

    private final String text;
    private int at;
    private State state = State.OK;

    Cursor(String text) {
        this.text = text;
    }

    boolean ok() {
        return state == State.OK;
    }

    boolean incomplete() {
        return state == State.INCOMPLETE;
    }

    boolean failed() {
        return state == State.FAILED;
    }

    /** Where the markup read so far ends. */
    int position() {
        return at;
    }

    /** Whether nothing is left to read (what follows may still arrive). */
    boolean atEnd() {
        return ok() && at == text.length();
    }

    Cursor skipWhitespace() {
        while (ok() && at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return this;
    }

    /** Reads {@code literal}. */
    Cursor expect(String literal) {
        if (!ok()) {
            return this;
        }
        int available = Math.min(literal.length(), text.length() - at);
        if (!text.regionMatches(at, literal, 0, available)) {
            state = State.FAILED;
        } else if (available < literal.length()) {
            state = State.INCOMPLETE;
        } else {
            at += literal.length();
        }
        return this;
    }

    /**
     * Whether {@code literal} comes next, reading it if so; when the text ends inside it, false and the reading is
     * incomplete.
     */
    boolean accept(String literal) {
        if (!ok()) {
            return false;
        }
        if (text.startsWith(literal, at)) {
            at += literal.length();
            return true;
        }
        if (at < text.length() && literal.startsWith(text.substring(at))) {
            state = State.INCOMPLETE;
        }
        return false;
    }

    /** Reads text up to {@code end} (reading {@code end} too); text that holds a character of {@code refused} fails. */
    String until(String end, String refused) {
        if (!ok()) {
            return "";
        }
        int found = text.indexOf(end, at);
        int stop = found < 0 ? text.length() - partialEnd(end) : found;
        for (int i = at; i < stop; i++) {
            if (refused.indexOf(text.charAt(i)) >= 0) {
                state = State.FAILED;
                return "";
            }
        }
        if (found < 0) {
            state = State.INCOMPLETE;
            return "";
        }
        String read = text.substring(at, found);
        at = found + end.length();
        return read;
    }

    /** How many characters at the end of the text begin {@code end} (which may be arriving). */
    private int partialEnd(String end) {
        for (int length = Math.min(end.length() - 1, text.length() - at); length > 0; length--) {
            if (text.endsWith(end.substring(0, length))) {
                return length;
            }
        }
        return 0;
    }

    /** Reads one JSON object or array; null unless {@link #ok()} after it. */
    JsonNode json() {
        if (!ok()) {
            return null;
        }
        if (at == text.length()) {
            state = State.INCOMPLETE;
            return null;
        }
        char first = text.charAt(at);
        if (first != '{' && first != '[') {
            state = State.FAILED;
            return null;
        }
        int end = valueEnd();
        if (end < 0) {
            state = State.INCOMPLETE;
            return null;
        }
        try {
            JsonNode value = JSON.readTree(text.substring(at, end));
            at = end;
            return value;
        } catch (JsonProcessingException e) {
            state = State.FAILED;
            return null;
        }
    }

    /** Where the object or array starting here ends (brackets balanced outside strings), or -1 when it has not yet. */
    private int valueEnd() {
        int depth = 0;
        boolean inString = false;
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** What was read, as a {@link Reading}, with the calls found when it all matched. */
    Reading reading(java.util.List<Reading.NamedArguments> calls) {
        return switch (state) {
            case OK -> new Reading.Calls(calls, at);
            case INCOMPLETE -> Reading.INCOMPLETE;
            case FAILED -> Reading.NOT_A_CALL;
        };
    }

    /** Fails the reading: the markup is not a call after all (a call object without a name, say). */
    void fail() {
        state = State.FAILED;
    }
}
