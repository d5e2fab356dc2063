package org.openmaas.api;

/**
 * A JSON object written on one line, for log records that carry what a client sent. Every string is escaped so that
 * nothing in it can end the string or the line: quote and backslash, every control character (C0, DEL and C1, which
 * holds NEL), the line and paragraph separators U+2028/U+2029 and unpaired surrogates. A client's text therefore
 * reaches the log only as the value of one field of one record, and cannot forge another record.
 */
public final class LogJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder json = new StringBuilder("{");

    /** Adds {@code name: value}; a null value is JSON null. */
    public LogJson add(String name, String value) {
        name(name);
        if (value == null) {
            json.append("null");
        } else {
            appendString(json, value);
        }
        return this;
    }

    public LogJson add(String name, long value) {
        name(name);
        json.append(value);
        return this;
    }

    private void name(String name) {
        if (json.length() > 1) {
            json.append(',');
        }
        appendString(json, name);
        json.append(':');
    }

    /** The object, on one line. */
    @Override
    public String toString() {
        return json + "}";
    }

    /**
     * {@code text} as a JSON string literal that holds no line break, for log messages that quote a client's value
     * within prose.
     */
    public static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2);
        appendString(quoted, text);
        return quoted.toString();
    }

    private static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i)); // a well-formed pair: one character beyond U+FFFF
                    } else if (needsEscape(c)) {
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c);
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
    }
}
