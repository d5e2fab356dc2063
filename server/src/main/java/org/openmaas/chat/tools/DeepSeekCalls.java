package org.openmaas.chat.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.grammar.Gbnf;

/**
 * DeepSeek R1 (and its Qwen and Llama distills): the calls between {@code <｜tool▁calls▁begin｜>} and
 * {@code <｜tool▁calls▁end｜>}, each {@code <｜tool▁call▁begin｜>function<｜tool▁sep｜>name}, then its arguments in a
 * fenced JSON block, then {@code <｜tool▁call▁end｜>}.
 */
record DeepSeekCalls() implements ToolCallFormat {

    static final String BEGIN = "<｜tool▁calls▁begin｜>";
    private static final String END = "<｜tool▁calls▁end｜>";
    private static final String CALL_BEGIN = "<｜tool▁call▁begin｜>";
    private static final String CALL_END = "<｜tool▁call▁end｜>";
    private static final String SEPARATOR = "<｜tool▁sep｜>";

    @Override
    public String family() {
        return "deepseek-r1";
    }

    @Override
    public List<Opener> openers() {
        return List.of(new Opener(BEGIN, false));
    }

    @Override
    public Set<String> controlMarkers() {
        return Set.of(BEGIN, END, CALL_BEGIN, CALL_END, SEPARATOR);
    }

    /** Calls until the end marker; a reply that ends after a whole call lacks nothing that matters. */
    @Override
    public Reading read(Opener opener, String rest, boolean ended) {
        Cursor cursor = new Cursor(rest);
        List<Reading.NamedArguments> calls = new ArrayList<>();
        while (cursor.ok()) {
            cursor.skipWhitespace();
            if (cursor.accept(END) || (ended && cursor.atEnd() && !calls.isEmpty())) {
                break;
            }
            cursor.expect(CALL_BEGIN).expect("function").expect(SEPARATOR);
            String name = cursor.until("\n", " \t\"{}[]");
            cursor.expect("```json").skipWhitespace();
            String arguments = CallObjects.arguments(cursor.json());
            cursor.skipWhitespace().expect("```").skipWhitespace().expect(CALL_END);
            if (cursor.ok() && (name.isEmpty() || arguments == null)) {
                cursor.fail();
            }
            calls.add(new Reading.NamedArguments(name, arguments));
        }
        return cursor.reading(calls);
    }

    @Override
    public String grammar(List<ToolDefinition> tools, boolean parallel) {
        Gbnf gbnf = new Gbnf();
        String call = gbnf.rule("call", Gbnf.alternatives(tools.stream().map(tool -> Gbnf.sequence(
                Gbnf.literal(CALL_BEGIN + "function" + SEPARATOR + tool.name() + "\n```json\n"),
                CallObjects.arguments(gbnf, tool), Gbnf.literal("\n```" + CALL_END))).toList()));
        return gbnf.build(Gbnf.sequence(Gbnf.literal(BEGIN), CallObjects.repeated(call, "\n", parallel),
                Gbnf.literal(END)));
    }
}
