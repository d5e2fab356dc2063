package org.openmaas.grammar;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GBNF grammar (llama.cpp's grammar format) being written: named rules, plus the expression helpers the compilers
 * use. The start rule is always {@code root}.
 *
 * <p>Composing grammars, e.g. a tool call a model family wraps in tags, with one JSON Schema per tool:
 * <pre>{@code
 * Gbnf gbnf = new Gbnf();
 * String weather = JsonSchemaGrammar.addTo(gbnf, "weather", weatherSchema); // a rule name: one JSON value
 * String search = JsonSchemaGrammar.addTo(gbnf, "search", searchSchema);
 * String grammar = gbnf.build(Gbnf.sequence(Gbnf.literal("<tool_call>\n"), Gbnf.alternatives(List.of(weather, search)),
 *         Gbnf.literal("</tool_call>")));
 * }</pre>
 * Rules the schemas share (strings, numbers, whitespace) are written once. Not thread-safe; one per grammar.
 */
public final class Gbnf {

    private static final String ROOT = "root ::= ";

    private final Map<String, String> rules = new LinkedHashMap<>(); // name -> body, in the order they were added

    /**
     * Adds a rule and returns its name: {@code name} (made a valid rule name), or the rule already there with that
     * name and body, or a numbered variant when another body has that name.
     */
    public String rule(String name, String body) {
        String base = ruleName(name);
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? base : base + "-" + n;
            String existing = rules.get(candidate);
            if (existing == null) {
                rules.put(candidate, body);
                return candidate;
            }
            if (existing.equals(body)) {
                return candidate;
            }
        }
    }

    /** Whether the grammar has the rule {@code name} with this body. */
    boolean has(String name, String body) {
        return body.equals(rules.get(name));
    }

    /** Reserves a rule name before its body is known (a recursive schema refers to itself); see {@link #define}. */
    String reserve(String name) {
        String base = ruleName(name);
        String candidate = base;
        for (int n = 2; rules.containsKey(candidate); n++) {
            candidate = base + "-" + n;
        }
        rules.put(candidate, "");
        return candidate;
    }

    /** Gives a reserved rule its body. */
    void define(String name, String body) {
        if (!"".equals(rules.get(name))) {
            throw new IllegalStateException("rule " + name + " was not reserved or is already defined");
        }
        rules.put(name, body);
    }

    /** The grammar text: {@code root ::= rootBody} then every rule added. */
    public String build(String rootBody) {
        StringBuilder text = new StringBuilder(ROOT).append(rootBody).append('\n');
        rules.forEach((name, body) -> text.append(name).append(" ::= ").append(body).append('\n'));
        return text.toString();
    }

    /**
     * The grammar whose sentences are {@code prefix} followed by a sentence of {@code grammar}, a grammar {@link #build}
     * wrote (its first line is the start rule, as literals never hold a raw newline).
     */
    public static String prefixed(String prefix, String grammar) {
        int end = grammar.indexOf('\n');
        if (!grammar.startsWith(ROOT) || end < 0) {
            throw new IllegalArgumentException("not a grammar built here: its first line is not its root rule");
        }
        return ROOT + sequence(literal(prefix), "(" + grammar.substring(ROOT.length(), end) + ")")
                + grammar.substring(end);
    }

    /** A literal matching exactly {@code text}. */
    public static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        // Inside quotes only the quote, the backslash and control characters need escapes.
        text.codePoints().forEach(c -> out.append(c == '"' || c == '\\' || c < 0x20 || c == 0x7F ? escape(c)
                : Character.toString(c)));
        return out.append('"').toString();
    }

    /** Matches one of the expressions (each in parentheses, so any expression may be given). */
    public static String alternatives(List<String> expressions) {
        if (expressions.size() == 1) {
            return expressions.getFirst();
        }
        return "(" + String.join(" | ", expressions.stream().map(e -> "(" + e + ")").toList()) + ")";
    }

    /** Matches the expressions one after the other. */
    public static String sequence(String... expressions) {
        return "(" + String.join(" ", expressions) + ")";
    }

    /**
     * A code point as GBNF writes it inside a literal or a character class: printable ASCII letters, digits and
     * spaces as themselves, everything else as a hex escape, so no character can be mistaken for syntax.
     */
    static String escape(int c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ') {
            return Character.toString(c);
        }
        if (c <= 0xFF) {
            return String.format("\\x%02X", c);
        }
        return c <= 0xFFFF ? String.format("\\u%04X", c) : String.format("\\U%08X", c);
    }

    private static String ruleName(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return cleaned.isEmpty() || cleaned.equals("root") ? "r-" + cleaned : cleaned;
    }
}
