package org.openmaas.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Regular expression to GBNF, for TGI's {@code regex} grammar and JSON Schema's {@code pattern}: literals, escapes
 * ({@code \d \w \s} and their negations, {@code \n \t \xHH} and a backslash-u with four hex digits, escaped punctuation), {@code .}, character classes,
 * groups (capturing, {@code (?:...)}, named), alternation, and the quantifiers {@code ? * + {m} {m,} {m,n}} (a lazy
 * {@code ?} suffix changes nothing here). {@code ^} is accepted only at the start and {@code $} only at the end.
 * Backreferences, lookaround, word boundaries and inline flags cannot be expressed and are refused.
 */
public final class RegexGrammar {

    /** Above this many repetitions llama.cpp refuses a grammar; saying so here names the quantifier. */
    static final int MAX_REPETITIONS = 1000;

    private static final int[][] DIGIT = {{'0', '9'}};
    private static final int[][] WORD = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
    private static final int[][] SPACE = {{'\t', '\r'}, {' ', ' '}};
    /** What a JSON string cannot hold unescaped: control characters, the quote and the backslash (and DEL, by habit). */
    private static final int[][] JSON_UNSAFE = {{0, 0x1F}, {'"', '"'}, {'\\', '\\'}, {0x7F, 0x7F}};

    /** How matched text is written out. */
    private enum Mode {
        /** As itself: the whole generated text. */
        TEXT,
        /** As the content of a JSON string (escaped); characters only an escape could write are left out of classes. */
        JSON_STRING
    }

    private final String pattern;
    private final Mode mode;
    private final String location; // for errors: what the pattern is part of
    private int pos;               // index into pattern of the next character to read
    private boolean endAnchor;

    private RegexGrammar(String pattern, Mode mode, String location) {
        this.pattern = pattern;
        this.mode = mode;
        this.location = location;
    }

    /** A complete grammar whose text matches {@code pattern} in full (TGI's regex grammar). */
    public static String compile(String pattern) {
        RegexGrammar parser = new RegexGrammar(pattern, Mode.TEXT, "the pattern");
        parser.skipStartAnchor();
        return new Gbnf().build(parser.parseAll());
    }

    /**
     * An expression matching the escaped content of a JSON string whose value matches {@code pattern} as JSON Schema
     * means it: anywhere in the string, unless anchored.
     *
     * @param anyChar  a rule name matching one JSON string character (escapes included), for an unanchored side
     * @param location the pattern's JSON pointer, for errors
     */
    static String jsonStringContent(String pattern, String anyChar, String location) {
        RegexGrammar parser = new RegexGrammar(pattern, Mode.JSON_STRING, location);
        boolean startAnchor = parser.skipStartAnchor();
        String body = parser.parseAll();
        return (startAnchor ? "" : anyChar + "* ") + "(" + body + ")" + (parser.endAnchor ? "" : " " + anyChar + "*");
    }

    private boolean skipStartAnchor() {
        if (pattern.startsWith("^")) {
            pos = 1;
            return true;
        }
        return false;
    }

    private String parseAll() {
        String expression = alternation();
        if (pos < pattern.length()) {
            throw refused("unbalanced parenthesis", "a ')' has no '(' before it");
        }
        return expression;
    }

    private String alternation() {
        List<String> branches = new ArrayList<>();
        branches.add(concatenation());
        while (pos < pattern.length() && pattern.charAt(pos) == '|') {
            pos++;
            branches.add(concatenation());
        }
        return branches.size() == 1 ? branches.getFirst() : "(" + String.join(" | ", branches) + ")";
    }

    private String concatenation() {
        List<String> items = new ArrayList<>();
        while (pos < pattern.length() && pattern.charAt(pos) != '|' && pattern.charAt(pos) != ')') {
            String atom = atom();
            if (atom != null) {
                items.add(quantified(atom));
            }
        }
        return items.isEmpty() ? "\"\"" : String.join(" ", items);
    }

    /** The next atom, or null for the end anchor, which matches no text. */
    private String atom() {
        int start = pos;
        int c = pattern.codePointAt(pos);
        pos += Character.charCount(c);
        return switch (c) {
            case '(' -> group(start);
            case '[' -> characterClass();
            case '.' -> mode == Mode.TEXT ? "[^\\x0A]" : classExpression(new int[][]{{0, Character.MAX_CODE_POINT}}, false);
            case '\\' -> escapeAtom(start);
            case '^' -> throw refusedAt(start, "^", "^ is only accepted at the start of the pattern");
            case '$' -> {
                if (pos != pattern.length()) {
                    throw refusedAt(start, "$", "$ is only accepted at the end of the pattern");
                }
                endAnchor = true;
                yield null;
            }
            case '*', '+', '?', '{' -> throw refusedAt(start, "quantifier", "'" + (char) c + "' has nothing to repeat");
            default -> literal(c);
        };
    }

    private String group(int start) {
        if (pattern.startsWith("?", pos)) {
            if (pattern.startsWith("?:", pos)) {
                pos += 2;
            } else if (pattern.startsWith("?=", pos) || pattern.startsWith("?!", pos)
                    || pattern.startsWith("?<=", pos) || pattern.startsWith("?<!", pos)) {
                throw refusedAt(start, "lookaround", "lookahead and lookbehind cannot be expressed as a grammar");
            } else if (pattern.startsWith("?P<", pos) || pattern.startsWith("?<", pos)) {
                int close = pattern.indexOf('>', pos);
                if (close < 0) {
                    throw refusedAt(start, "named group", "the group's name has no closing '>'");
                }
                pos = close + 1;
            } else {
                throw refusedAt(start, "inline flag", "groups starting '(?' other than (?:...) and named groups "
                        + "(flags, conditionals, references) are not supported");
            }
        }
        String inner = alternation();
        if (pos >= pattern.length() || pattern.charAt(pos) != ')') {
            throw refusedAt(start, "unbalanced parenthesis", "the group has no closing ')'");
        }
        pos++;
        return "(" + inner + ")";
    }

    private String quantified(String atom) {
        if (pos >= pattern.length()) {
            return atom;
        }
        int start = pos;
        char c = pattern.charAt(pos);
        String result;
        if (c == '?' || c == '*' || c == '+') {
            pos++;
            result = "(" + atom + ")" + c;
        } else if (c == '{' && pattern.indexOf('}', pos) > pos) {
            String inside = pattern.substring(pos + 1, pattern.indexOf('}', pos));
            if (!inside.matches("\\d+(,\\d*)?")) {
                throw refusedAt(start, "quantifier", "{" + inside + "} is not a repetition: use {m}, {m,} or {m,n}");
            }
            pos = pattern.indexOf('}', pos) + 1;
            String[] bounds = inside.split(",", -1);
            long min = Long.parseLong(bounds[0]);
            long max = bounds.length == 1 ? min : bounds[1].isEmpty() ? -1 : Long.parseLong(bounds[1]);
            if (min > MAX_REPETITIONS || max > MAX_REPETITIONS) {
                throw refusedAt(start, "quantifier", "{" + inside + "} repeats more than " + MAX_REPETITIONS + " times");
            }
            if (max >= 0 && max < min) {
                throw refusedAt(start, "quantifier", "{" + inside + "} has its maximum below its minimum");
            }
            result = "(" + atom + "){" + min + (bounds.length == 1 ? "" : "," + (max < 0 ? "" : max)) + "}";
        } else {
            return atom;
        }
        if (pos < pattern.length() && pattern.charAt(pos) == '?') {
            pos++; // lazy: which match is preferred does not change which texts match
        } else if (pos < pattern.length() && pattern.charAt(pos) == '+') {
            throw refusedAt(pos, "possessive quantifier", "possessive quantifiers are not supported");
        }
        if (pos < pattern.length() && "*+?".indexOf(pattern.charAt(pos)) >= 0) {
            throw refusedAt(pos, "quantifier", "'" + pattern.charAt(pos) + "' repeats a quantifier");
        }
        return result;
    }

    private String escapeAtom(int start) {
        if (pos >= pattern.length()) {
            throw refusedAt(start, "escape", "the pattern ends with a lone backslash");
        }
        int c = pattern.codePointAt(pos);
        int[][] shorthand = shorthand(c);
        if (shorthand != null) {
            pos++;
            return classExpression(shorthand, Character.isUpperCase(c));
        }
        return literal(escapedChar(start));
    }

    /** The class a shorthand escape stands for ({@code \d \w \s}, upper case negated), or null. */
    private static int[][] shorthand(int c) {
        return switch (Character.toLowerCase(c)) {
            case 'd' -> DIGIT;
            case 'w' -> WORD;
            case 's' -> SPACE;
            default -> null;
        };
    }

    /** The character an escape other than a shorthand stands for; {@code pos} is just after the backslash. */
    private int escapedChar(int start) {
        int c = pattern.codePointAt(pos);
        pos += Character.charCount(c);
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            case '0' -> 0;
            case 'x' -> hex(start, 2);
            case 'u' -> hex(start, 4);
            case 'b', 'B' -> throw refusedAt(start, "word boundary", "\\b and \\B cannot be expressed as a grammar");
            case 'A', 'z', 'Z', 'G' -> throw refusedAt(start, "anchor", "use ^ at the start and $ at the end instead of \\"
                    + (char) c);
            case 'k', '1', '2', '3', '4', '5', '6', '7', '8', '9' ->
                    throw refusedAt(start, "backreference", "backreferences cannot be expressed as a grammar");
            default -> {
                if (Character.isLetterOrDigit(c)) {
                    throw refusedAt(start, "escape", "\\" + Character.toString(c) + " is not a supported escape");
                }
                yield c; // escaped punctuation stands for itself
            }
        };
    }

    private int hex(int start, int digits) {
        if (pos + digits > pattern.length() || !pattern.substring(pos, pos + digits).matches("[0-9A-Fa-f]+")) {
            throw refusedAt(start, "escape", "expected " + digits + " hex digits");
        }
        int value = Integer.parseInt(pattern.substring(pos, pos + digits), 16);
        pos += digits;
        return value;
    }

    private String characterClass() {
        int start = pos - 1;
        boolean negated = pattern.startsWith("^", pos);
        if (negated) {
            pos++;
        }
        List<int[]> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (pos >= pattern.length()) {
                throw refusedAt(start, "character class", "the class has no closing ']'");
            }
            int c = pattern.codePointAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            pos += Character.charCount(c);
            int low;
            if (c == '\\') {
                int[][] shorthand = pos < pattern.length() ? shorthand(pattern.codePointAt(pos)) : null;
                if (shorthand != null) {
                    if (Character.isUpperCase(pattern.codePointAt(pos))) {
                        throw refusedAt(pos - 1, "character class", "negated shorthands (\\D \\W \\S) inside a class "
                                + "are not supported");
                    }
                    pos++;
                    ranges.addAll(List.of(shorthand));
                    continue;
                }
                low = escapedChar(pos - 1);
            } else {
                low = c;
            }
            int high = low;
            if (pattern.startsWith("-", pos) && pos + 1 < pattern.length() && pattern.charAt(pos + 1) != ']') {
                pos++;
                int h = pattern.codePointAt(pos);
                pos += Character.charCount(h);
                high = h == '\\' ? escapedChar(pos - 1) : h;
                if (high < low) {
                    throw refusedAt(start, "character class", "a range ends below where it starts");
                }
            }
            ranges.add(new int[]{low, high});
        }
        return classExpression(ranges.toArray(int[][]::new), negated);
    }

    /** A class of characters as GBNF; in a JSON string, only characters that need no escape. */
    private String classExpression(int[][] ranges, boolean negated) {
        List<int[]> kept = new ArrayList<>(List.of(ranges));
        if (mode == Mode.JSON_STRING) {
            if (negated) {
                kept.addAll(List.of(JSON_UNSAFE));
            } else {
                kept = subtract(kept, JSON_UNSAFE);
                if (kept.isEmpty()) {
                    throw refused("character class", "a class holding only control characters, quotes or "
                            + "backslashes cannot be written in a JSON string here");
                }
            }
        }
        StringBuilder out = new StringBuilder(negated ? "[^" : "[");
        for (int[] range : kept) {
            out.append(Gbnf.escape(range[0]));
            if (range[1] != range[0]) {
                out.append('-').append(Gbnf.escape(range[1]));
            }
        }
        return out.append(']').toString();
    }

    private static List<int[]> subtract(List<int[]> ranges, int[][] removed) {
        List<int[]> result = new ArrayList<>(ranges);
        for (int[] cut : removed) {
            List<int[]> next = new ArrayList<>();
            for (int[] r : result) {
                if (r[1] < cut[0] || r[0] > cut[1]) {
                    next.add(r);
                    continue;
                }
                if (r[0] < cut[0]) next.add(new int[]{r[0], cut[0] - 1});
                if (r[1] > cut[1]) next.add(new int[]{cut[1] + 1, r[1]});
            }
            result = next;
        }
        return result;
    }

    private String literal(int c) {
        if (mode == Mode.TEXT) {
            return Gbnf.literal(Character.toString(c));
        }
        return Gbnf.literal(JsonText.escapeChar(c));
    }

    private GrammarException refused(String construct, String message) {
        return refusedAt(pos, construct, message);
    }

    private GrammarException refusedAt(int offset, String construct, String message) {
        return new GrammarException(construct, location + " (offset " + offset + ")", message + "; in /" + pattern + "/");
    }
}
