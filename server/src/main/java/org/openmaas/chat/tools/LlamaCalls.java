package org.openmaas.chat.tools;

import java.util.List;
import java.util.Set;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.grammar.Gbnf;

/**
 * Llama 3.1, 3.2 and 3.3: the reply is one JSON object, {@code {"name": "get_weather", "parameters": {...}}}, on its
 * own, or after the {@code <|python_tag|>} control token. Only a reply that starts with the object is a call: an object
 * after text is text.
 */
record LlamaCalls() implements ToolCallFormat {

    private static final Opener PYTHON_TAG = new Opener("<|python_tag|>", false);
    private static final Opener BARE = new Opener("{", true);

    @Override
    public String family() {
        return "llama3";
    }

    @Override
    public List<Opener> openers() {
        return List.of(PYTHON_TAG, BARE);
    }

    @Override
    public Set<String> controlMarkers() {
        return Set.of(PYTHON_TAG.text());
    }

    @Override
    public Reading read(Opener opener, String rest, boolean ended) {
        boolean bare = opener.equals(BARE);
        String text = bare ? "{" + rest : rest;
        if (bare && !startsLikeACall(text)) {
            return Reading.NOT_A_CALL;
        }
        Cursor cursor = new Cursor(text).skipWhitespace();
        Reading.NamedArguments call = CallObjects.read(cursor.json());
        if (cursor.ok() && call == null) {
            cursor.fail();
        }
        Reading reading = cursor.reading(call == null ? List.of() : List.of(call));
        // The bare opener is the object's own first character, which the caller counts as read already.
        return bare && reading instanceof Reading.Calls(var calls, int consumed)
                ? new Reading.Calls(calls, consumed - 1) : reading;
    }

    /** An object whose first key is {@code name} or {@code type}, as far as the text goes: prose in braces is not. */
    private static boolean startsLikeACall(String text) {
        return !new Cursor(text).expect("{").skipWhitespace().expect("\"name\"").failed()
                || !new Cursor(text).expect("{").skipWhitespace().expect("\"type\"").failed();
    }

    /** One call: the format has no way to write several. */
    @Override
    public String grammar(List<ToolDefinition> tools, boolean parallel) {
        Gbnf gbnf = new Gbnf();
        return gbnf.build(CallObjects.grammar(gbnf, tools, "parameters"));
    }
}
