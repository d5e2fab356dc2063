package org.openmaas.chat.tools;

import java.util.List;
import java.util.Set;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.grammar.Gbnf;

/**
 * Hermes 2 Pro / Hermes 3, Qwen2.5 and Qwen3: each call is a JSON object between tags,
 * {@code <tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>}, one tag pair per call.
 */
record TaggedCalls() implements ToolCallFormat {

    private static final String OPEN = "<tool_call>";
    private static final String CLOSE = "</tool_call>";

    @Override
    public String family() {
        return "hermes";
    }

    @Override
    public List<Opener> openers() {
        return List.of(new Opener(OPEN, false));
    }

    @Override
    public Set<String> controlMarkers() {
        return Set.of(OPEN, CLOSE);
    }

    /** The object, then the closing tag; a reply that ends after the object lacks nothing that matters. */
    @Override
    public Reading read(Opener opener, String rest, boolean ended) {
        Cursor cursor = new Cursor(rest).skipWhitespace();
        Reading.NamedArguments call = CallObjects.read(cursor.json());
        cursor.skipWhitespace();
        if (!(ended && cursor.atEnd())) {
            cursor.expect(CLOSE);
        }
        if (cursor.ok() && call == null) {
            cursor.fail();
        }
        return cursor.reading(call == null ? List.of() : List.of(call));
    }

    @Override
    public String grammar(List<ToolDefinition> tools, boolean parallel) {
        Gbnf gbnf = new Gbnf();
        String call = Gbnf.sequence(Gbnf.literal(OPEN + "\n"), CallObjects.grammar(gbnf, tools, "arguments"),
                Gbnf.literal("\n" + CLOSE));
        return gbnf.build(CallObjects.repeated(call, "\n", parallel));
    }
}
