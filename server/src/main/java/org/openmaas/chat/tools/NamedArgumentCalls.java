package org.openmaas.chat.tools;

import java.util.List;
import java.util.Set;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.grammar.Gbnf;

/**
 * Mistral Small 3.2 and Devstral: each call is {@code [TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}}, the function's
 * name bare between the two markers.
 */
record NamedArgumentCalls() implements ToolCallFormat {

    private static final String CALLS = "[TOOL_CALLS]";
    private static final String ARGS = "[ARGS]";
    /** Characters no function name has: a name holding one is text that happens to follow the marker. */
    private static final String NOT_IN_NAMES = " \n\t\"{}[]";

    @Override
    public String family() {
        return "mistral-small-3.2";
    }

    @Override
    public String newCallId() {
        return CallIds.mistral();
    }

    @Override
    public List<Opener> openers() {
        return List.of(new Opener(CALLS, false));
    }

    @Override
    public Set<String> controlMarkers() {
        return Set.of(CALLS, ARGS);
    }

    @Override
    public Reading read(Opener opener, String rest, boolean ended) {
        Cursor cursor = new Cursor(rest);
        String name = cursor.until(ARGS, NOT_IN_NAMES);
        String arguments = CallObjects.arguments(cursor.json());
        if (cursor.ok() && (name.isEmpty() || arguments == null)) {
            cursor.fail();
        }
        return cursor.reading(cursor.ok() ? List.of(new Reading.NamedArguments(name, arguments)) : List.of());
    }

    @Override
    public String grammar(List<ToolDefinition> tools, boolean parallel) {
        Gbnf gbnf = new Gbnf();
        String call = gbnf.rule("call", Gbnf.alternatives(tools.stream().map(tool -> Gbnf.sequence(
                Gbnf.literal(CALLS + tool.name() + ARGS), CallObjects.arguments(gbnf, tool))).toList()));
        return gbnf.build(parallel ? call + "+" : call);
    }
}
