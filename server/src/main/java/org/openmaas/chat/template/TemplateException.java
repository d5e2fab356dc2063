package org.openmaas.chat.template;

/**
 * A template that does not compile, or whose rendering failed: a syntax error, an undefined name used where a value is
 * needed, a wrong type, {@code raise_exception} called by the template itself, or a limit of the sandbox reached.
 * {@link #line()} and {@link #column()} (1-based) say where in the template source; 0 when no place applies.
 */
public final class TemplateException extends RuntimeException {

    private final int line;
    private final int column;

    TemplateException(String message, int line, int column) {
        super(line > 0 ? message + " (line " + line + ", column " + column + ")" : message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
