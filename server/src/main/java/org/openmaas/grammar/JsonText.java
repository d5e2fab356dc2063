package org.openmaas.grammar;

/** How JSON writes a character inside a string (RFC 8259 §7), for literals the grammars must match exactly. */
final class JsonText {

    private JsonText() {
    }

    /** The character as it appears between a JSON string's quotes. */
    static String escapeChar(int c) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> c < 0x20 ? String.format("\\u%04x", c) : Character.toString(c);
        };
    }

    /** {@code text} as a JSON string, quotes included. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> out.append(escapeChar(c)));
        return out.append('"').toString();
    }
}
