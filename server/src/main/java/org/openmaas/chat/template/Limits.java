package org.openmaas.chat.template;

/**
 * What one rendering may use, so that a hostile template in a downloaded GGUF cannot hang or exhaust the server. Real
 * chat templates render a conversation in thousands of steps and stay far below each.
 */
final class Limits {

    /** Statements run, loop iterations, calls and filters applied. */
    static final long MAX_STEPS = 1_000_000;
    /** Characters of the output or of any string the template builds; items of any list it builds. */
    static final int MAX_LENGTH = 16 * 1024 * 1024;
    /** Macro calls inside macro calls. */
    static final int MAX_CALL_DEPTH = 64;

    private Limits() {
    }

    /** Fails a value the template is about to build when it would be longer than {@link #MAX_LENGTH}. */
    static void checkLength(double length, String what) {
        if (length > MAX_LENGTH) {
            throw new TemplateException(what + " would be longer than " + MAX_LENGTH, 0, 0);
        }
    }
}
