package org.openmaas.chat.template;

/** One lexical token of a template, with where it starts (1-based). */
record Token(Kind kind, String text, int line, int column) {

    enum Kind {
        /** Literal template text between tags, whitespace control already applied. */
        TEXT,
        /** {@code {{} */
        PRINT_OPEN,
        /** {@code }}} */
        PRINT_CLOSE,
        /** {@code {%} */
        BLOCK_OPEN,
        /** {@code %}} */
        BLOCK_CLOSE,
        NAME,
        STRING,
        INTEGER,
        FLOAT,
        /** An operator or punctuation: {@code ( ) [ ] { } . , : | ~ + - * / // % ** = == != < > <= >=} */
        OPERATOR,
        END
    }

    boolean is(Kind kind, String text) {
        return this.kind == kind && this.text.equals(text);
    }

    boolean isOperator(String text) {
        return is(Kind.OPERATOR, text);
    }

    boolean isName(String text) {
        return is(Kind.NAME, text);
    }

    String describe() {
        return switch (kind) {
            case END -> "the end of the template";
            case TEXT -> "template text";
            case STRING -> "a string";
            default -> "'" + text + "'";
        };
    }
}
