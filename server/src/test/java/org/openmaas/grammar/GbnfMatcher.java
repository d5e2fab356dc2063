package org.openmaas.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A recognizer for the GBNF the compilers write (rules, alternatives, literals, character classes, groups and the
 * quantifiers), so that their tests can say which texts a grammar accepts without loading llama.cpp. Exhaustive:
 * every way a rule can match is followed, as llama.cpp's grammar stacks do.
 */
public final class GbnfMatcher {

    private sealed interface Node permits Alt, Seq, Lit, Cls, Ref, Rep {
    }

    private record Alt(List<Node> options) implements Node {
    }

    private record Seq(List<Node> items) implements Node {
    }

    private record Lit(int[] chars) implements Node {
    }

    private record Cls(List<int[]> ranges, boolean negated) implements Node {
    }

    private record Ref(String rule) implements Node {
    }

    private record Rep(Node node, int min, int max) implements Node { // max -1: unbounded
    }

    private final Map<String, Node> rules = new HashMap<>();
    private String text;
    private int pos;

    private GbnfMatcher(String grammar) {
        for (String line : grammar.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int at = line.indexOf(" ::= ");
            text = line.substring(at + 5);
            pos = 0;
            Node body = alternatives();
            if (pos != text.length()) {
                throw new IllegalArgumentException("cannot read rule " + line.substring(0, at) + " at " + pos + ": " + text);
            }
            rules.put(line.substring(0, at), body);
        }
    }

    /** Whether the grammar's root matches all of {@code input}. */
    public static boolean matches(String grammar, String input) {
        GbnfMatcher matcher = new GbnfMatcher(grammar);
        int[] chars = input.codePoints().toArray();
        return matcher.ends(new Ref("root"), chars, 0, new HashMap<>()).contains(chars.length);
    }

    private Set<Integer> ends(Node node, int[] in, int from, Map<String, Set<Integer>> memo) {
        Set<Integer> out = new TreeSet<>();
        switch (node) {
            case Alt alt -> alt.options().forEach(o -> out.addAll(ends(o, in, from, memo)));
            case Seq seq -> {
                Set<Integer> current = Set.of(from);
                for (Node item : seq.items()) {
                    Set<Integer> next = new TreeSet<>();
                    for (int p : current) {
                        next.addAll(ends(item, in, p, memo));
                    }
                    current = next;
                }
                out.addAll(current);
            }
            case Lit lit -> {
                int p = from;
                for (int c : lit.chars()) {
                    if (p >= in.length || in[p] != c) {
                        return out;
                    }
                    p++;
                }
                out.add(p);
            }
            case Cls cls -> {
                if (from < in.length) {
                    boolean inside = cls.ranges().stream().anyMatch(r -> in[from] >= r[0] && in[from] <= r[1]);
                    if (inside != cls.negated()) {
                        out.add(from + 1);
                    }
                }
            }
            case Ref ref -> {
                String key = ref.rule() + "@" + from;
                Set<Integer> known = memo.get(key);
                if (known != null) {
                    return known;
                }
                memo.put(key, Set.of()); // no left recursion in what the compilers write
                Node body = rules.get(ref.rule());
                if (body == null) {
                    throw new IllegalArgumentException("undefined rule " + ref.rule());
                }
                out.addAll(ends(body, in, from, memo));
                memo.put(key, out);
            }
            case Rep rep -> {
                Set<Integer> current = Set.of(from);
                if (rep.min() == 0) {
                    out.add(from);
                }
                for (int n = 1; rep.max() < 0 || n <= rep.max(); n++) {
                    Set<Integer> next = new TreeSet<>();
                    for (int p : current) {
                        for (int e : ends(rep.node(), in, p, memo)) {
                            if (e > p || rep.max() >= 0) {
                                next.add(e);
                            }
                        }
                    }
                    if (next.isEmpty() || (rep.max() < 0 && out.containsAll(next) && n > rep.min())) {
                        break;
                    }
                    if (n >= rep.min()) {
                        out.addAll(next);
                    }
                    current = next;
                }
            }
        }
        return out;
    }

    private Node alternatives() {
        List<Node> options = new ArrayList<>();
        options.add(sequence());
        while (peek() == '|') {
            pos++;
            options.add(sequence());
        }
        return options.size() == 1 ? options.getFirst() : new Alt(options);
    }

    private Node sequence() {
        List<Node> items = new ArrayList<>();
        skipSpaces();
        while (pos < text.length() && peek() != '|' && peek() != ')') {
            Node atom = atom();
            items.add(quantified(atom));
            skipSpaces();
        }
        return new Seq(items);
    }

    private Node atom() {
        char c = text.charAt(pos);
        if (c == '"') {
            pos++;
            List<Integer> chars = new ArrayList<>();
            while (text.charAt(pos) != '"') {
                chars.add(character());
            }
            pos++;
            return new Lit(chars.stream().mapToInt(Integer::intValue).toArray());
        }
        if (c == '[') {
            pos++;
            boolean negated = peek() == '^';
            if (negated) {
                pos++;
            }
            List<int[]> ranges = new ArrayList<>();
            while (text.charAt(pos) != ']') {
                int low = character();
                int high = low;
                if (peek() == '-' && text.charAt(pos + 1) != ']') {
                    pos++;
                    high = character();
                }
                ranges.add(new int[]{low, high});
            }
            pos++;
            return new Cls(ranges, negated);
        }
        if (c == '(') {
            pos++;
            Node inner = alternatives();
            skipSpaces();
            pos++; // ')'
            return inner;
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '-')) {
            pos++;
        }
        return new Ref(text.substring(start, pos));
    }

    private Node quantified(Node atom) {
        if (pos >= text.length()) {
            return atom;
        }
        char c = text.charAt(pos);
        switch (c) {
            case '?' -> {
                pos++;
                return new Rep(atom, 0, 1);
            }
            case '*' -> {
                pos++;
                return new Rep(atom, 0, -1);
            }
            case '+' -> {
                pos++;
                return new Rep(atom, 1, -1);
            }
            case '{' -> {
                int close = text.indexOf('}', pos);
                String[] bounds = text.substring(pos + 1, close).split(",", -1);
                pos = close + 1;
                int min = Integer.parseInt(bounds[0]);
                int max = bounds.length == 1 ? min : bounds[1].isEmpty() ? -1 : Integer.parseInt(bounds[1]);
                return new Rep(atom, min, max);
            }
            default -> {
                return atom;
            }
        }
    }

    private int character() {
        int c = text.codePointAt(pos);
        if (c != '\\') {
            pos += Character.charCount(c);
            return c;
        }
        char kind = text.charAt(pos + 1);
        pos += 2;
        return switch (kind) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            default -> kind;
        };
    }

    private int hex(int digits) {
        int value = Integer.parseInt(text.substring(pos, pos + digits), 16);
        pos += digits;
        return value;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }
}
