package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.List;
import org.openmaas.chat.template.Token.Kind;

/**
 * Splits a template into text and tag tokens with Hugging Face's environment settings: {@code trim_blocks} (the
 * newline after a block or comment tag goes) and {@code lstrip_blocks} (spaces and tabs before a block or comment tag
 * that starts a line go), plus the explicit {@code -} (strip all whitespace on that side) and {@code +} (keep it).
 */
final class Lexer {

    private static final String[] OPERATORS = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "(",
            ")", "[", "]", "{", "}", ".", ",", ":", "|", "=", "<", ">"};

    private final String source;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int column = 1;

    private Lexer(String source) {
        this.source = source;
    }

    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        boolean lineStarting = true;
        boolean stripNextText = false;
        while (pos < source.length()) {
            int tag = nextTag(pos);
            int textEnd = tag < 0 ? source.length() : tag;
            int textLine = line;
            int textColumn = column;
            String text = source.substring(pos, textEnd);
            if (stripNextText) {
                text = text.stripLeading();
            }
            if (tag >= 0) {
                char kind = source.charAt(tag + 1);
                char modifier = tag + 2 < source.length() ? source.charAt(tag + 2) : ' ';
                if (modifier == '-') {
                    text = text.stripTrailing();
                } else if (kind != '{' && modifier != '+') {
                    text = lstripBlock(text, lineStarting);
                }
            }
            if (!text.isEmpty()) {
                tokens.add(new Token(Kind.TEXT, text, textLine, textColumn));
            }
            advanceTo(textEnd);
            if (tag < 0) {
                break;
            }
            TagEnd end = switch (source.charAt(tag + 1)) {
                case '#' -> comment();
                case '{' -> expressionTag(Kind.PRINT_OPEN, "}}", Kind.PRINT_CLOSE);
                default -> expressionTag(Kind.BLOCK_OPEN, "%}", Kind.BLOCK_CLOSE);
            };
            stripNextText = end.stripAfter;
            if (!end.stripAfter && end.trimNewline && pos < source.length() && source.charAt(pos) == '\n') {
                advanceTo(pos + 1);
                lineStarting = true;
            } else {
                lineStarting = false;
            }
        }
        tokens.add(new Token(Kind.END, "", line, column));
    }

    /** Whether the tag just closed strips all whitespace after it, or (trim_blocks) one newline. */
    private record TagEnd(boolean stripAfter, boolean trimNewline) {
    }

    /** lstrip_blocks: whitespace between a line's start and a block tag goes. */
    private static String lstripBlock(String text, boolean lineStarting) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if (lineStart == 0 && !lineStarting) {
            return text;
        }
        for (int i = lineStart; i < text.length(); i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return text;
            }
        }
        return text.substring(0, lineStart);
    }

    private int nextTag(int from) {
        int i = source.indexOf('{', from);
        while (i >= 0 && i + 1 < source.length()) {
            char c = source.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = source.indexOf('{', i + 1);
        }
        return -1;
    }

    private TagEnd comment() {
        int startLine = line;
        int startColumn = column;
        int end = source.indexOf("#}", pos + 2);
        if (end < 0) {
            throw new TemplateException("a comment is not closed with '#}'", startLine, startColumn);
        }
        boolean strip = source.charAt(end - 1) == '-' && end - 1 >= pos + 2;
        boolean keep = source.charAt(end - 1) == '+';
        advanceTo(end + 2);
        return new TagEnd(strip, !keep);
    }

    private TagEnd expressionTag(Kind open, String closer, Kind close) {
        tokens.add(new Token(open, source.substring(pos, pos + 2), line, column));
        advanceTo(pos + 2);
        if (pos < source.length() && (source.charAt(pos) == '-' || source.charAt(pos) == '+')) {
            advanceTo(pos + 1);
        }
        int depth = 0; // of { }, so that the } of a dict literal does not close the tag
        while (true) {
            skipSpaces();
            if (pos >= source.length()) {
                throw new TemplateException("a tag is not closed with '" + closer + "'", line, column);
            }
            char c = source.charAt(pos);
            boolean stripped = c == '-' && source.startsWith(closer, pos + 1);
            boolean kept = c == '+' && source.startsWith(closer, pos + 1);
            if (depth == 0 && (stripped || kept || source.startsWith(closer, pos))) {
                tokens.add(new Token(close, closer, line, column));
                advanceTo(pos + closer.length() + (stripped || kept ? 1 : 0));
                return new TagEnd(stripped, close == Kind.BLOCK_CLOSE && !kept);
            }
            if (c == '\'' || c == '"') {
                string(c);
            } else if (Character.isDigit(c)) {
                number();
            } else if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < source.length() && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
                    pos++;
                }
                add(Kind.NAME, source.substring(start, pos), start);
            } else {
                String operator = operatorAt(pos);
                if (operator == null) {
                    throw new TemplateException("unexpected character '" + c + "'", line, column);
                }
                if (operator.equals("{")) {
                    depth++;
                } else if (operator.equals("}")) {
                    depth--;
                }
                int start = pos;
                pos += operator.length();
                add(Kind.OPERATOR, operator, start);
            }
        }
    }

    private String operatorAt(int at) {
        for (String operator : OPERATORS) {
            if (source.startsWith(operator, at)) {
                return operator;
            }
        }
        return null;
    }

    private void string(char quote) {
        int start = pos;
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= source.length()) {
                pos = start;
                throw new TemplateException("a string is not closed with " + quote, line, column);
            }
            char c = source.charAt(pos++);
            if (c == quote) {
                break;
            }
            if (c != '\\' || pos >= source.length()) {
                value.append(c);
                continue;
            }
            char escaped = source.charAt(pos++);
            switch (escaped) {
                case 'n' -> value.append('\n');
                case 't' -> value.append('\t');
                case 'r' -> value.append('\r');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case '\\', '\'', '"' -> value.append(escaped);
                case 'u' -> {
                    value.append((char) Integer.parseInt(source.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                case '\n' -> { } // a line continuation
                default -> value.append('\\').append(escaped);
            }
        }
        add(Kind.STRING, value.toString(), start);
    }

    private void number() {
        int start = pos;
        while (pos < source.length() && (Character.isDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
            pos++;
        }
        boolean fraction = pos + 1 < source.length() && source.charAt(pos) == '.'
                && Character.isDigit(source.charAt(pos + 1));
        if (fraction) {
            pos++;
            while (pos < source.length() && Character.isDigit(source.charAt(pos))) {
                pos++;
            }
        }
        boolean exponent = pos < source.length() && (source.charAt(pos) == 'e' || source.charAt(pos) == 'E');
        if (exponent) {
            pos++;
            if (pos < source.length() && (source.charAt(pos) == '+' || source.charAt(pos) == '-')) {
                pos++;
            }
            while (pos < source.length() && Character.isDigit(source.charAt(pos))) {
                pos++;
            }
        }
        add(fraction || exponent ? Kind.FLOAT : Kind.INTEGER, source.substring(start, pos).replace("_", ""), start);
    }

    /** Adds a token that started at {@code start}; {@code pos} is already past it. */
    private void add(Kind kind, String text, int start) {
        int end = pos;
        pos = start;
        tokens.add(new Token(kind, text, line, column));
        advanceTo(end);
    }

    private void skipSpaces() {
        while (pos < source.length() && Character.isWhitespace(source.charAt(pos))) {
            advanceTo(pos + 1);
        }
    }

    /** Moves to {@code target}, counting lines and columns on the way. */
    private void advanceTo(int target) {
        for (; pos < target; pos++) {
            if (source.charAt(pos) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
    }
}
