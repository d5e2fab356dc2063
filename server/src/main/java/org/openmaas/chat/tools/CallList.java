package org.openmaas.chat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.grammar.Gbnf;

/**
 * A marker, then every call as one JSON list of {@code {"name": ..., "arguments": {...}}} objects: Mistral Nemo's
 * {@code [TOOL_CALLS][...]} and IBM Granite's {@code <|tool_call|>[...]}.
 *
 * @param marker     the marker before the list
 * @param mistralIds whether the family's template requires Mistral's ids of replayed calls ({@link CallIds#mistral()})
 */
record CallList(String family, String marker, boolean mistralIds) implements ToolCallFormat {

    static final CallList MISTRAL = new CallList("mistral", "[TOOL_CALLS]", true);
    static final CallList GRANITE = new CallList("granite", "<|tool_call|>", false);

    @Override
    public String newCallId() {
        return mistralIds ? CallIds.mistral() : CallIds.openAi();
    }

    @Override
    public List<Opener> openers() {
        return List.of(new Opener(marker, false));
    }

    @Override
    public Set<String> controlMarkers() {
        return Set.of(marker);
    }

    @Override
    public Reading read(Opener opener, String rest, boolean ended) {
        Cursor cursor = new Cursor(rest).skipWhitespace();
        JsonNode list = cursor.json();
        List<Reading.NamedArguments> calls = new ArrayList<>();
        if (cursor.ok()) {
            for (JsonNode item : list.isArray() ? list : List.<JsonNode>of()) {
                calls.add(CallObjects.read(item));
            }
            if (!list.isArray() || list.isEmpty() || calls.contains(null)) {
                cursor.fail();
            }
        }
        return cursor.reading(cursor.ok() ? calls : List.of());
    }

    @Override
    public String grammar(List<ToolDefinition> tools, boolean parallel) {
        Gbnf gbnf = new Gbnf();
        String call = CallObjects.grammar(gbnf, tools, "arguments");
        return gbnf.build(Gbnf.sequence(Gbnf.literal(marker + "["), CallObjects.repeated(call, ", ", parallel),
                Gbnf.literal("]")));
    }
}
