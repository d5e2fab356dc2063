package org.openmaas.engine.llamacpp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Receives llama.cpp's and ggml's log output (installed with {@code llama_log_set}) and writes it to
 * java.util.logging, so the server's terminal stays clean: errors and warnings at WARNING, everything else at FINE.
 *
 * <p>llama.cpp sends a line in pieces (a message, then {@code GGML_LOG_LEVEL_CONT} continuations such as progress
 * dots), so pieces are joined per thread until a newline completes the line.
 */
final class NativeLog {

    static final Logger LOG = Logger.getLogger("org.openmaas.engine.llamacpp.native");

    // enum ggml_log_level (ggml.h)
    private static final int GGML_LOG_LEVEL_WARN = 3;
    private static final int GGML_LOG_LEVEL_ERROR = 4;
    private static final int GGML_LOG_LEVEL_CONT = 5;

    private static final ThreadLocal<Line> LINES = ThreadLocal.withInitial(Line::new);
    // llama.cpp says why a load failed only in its log, on the loading thread: its error lines are kept for it.
    private static final ThreadLocal<List<String>> ERRORS = ThreadLocal.withInitial(ArrayList::new);

    private NativeLog() {
    }

    /**
     * The upcall target: {@code void (*ggml_log_callback)(enum ggml_log_level level, const char * text, void * user_data)}.
     * It must never throw: an exception escaping an upcall crashes the JVM.
     */
    static void log(int level, MemorySegment text, MemorySegment userData) {
        try {
            // `text` is only valid during this call: read it now. Zero-length segment from native: widen to read the C string.
            String piece = text.reinterpret(Long.MAX_VALUE).getString(0);
            Line line = LINES.get();
            if (level != GGML_LOG_LEVEL_CONT) {
                line.level = level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN ? Level.WARNING : Level.FINE;
                line.error = level == GGML_LOG_LEVEL_ERROR;
            }
            line.text.append(piece);
            int newline;
            while ((newline = line.text.indexOf("\n")) >= 0) {
                String complete = line.text.substring(0, newline).strip();
                line.text.delete(0, newline + 1);
                if (!complete.isEmpty()) {
                    LOG.logp(line.level, "llama.cpp", null, complete);
                    if (line.error) {
                        ERRORS.get().add(complete);
                    }
                }
            }
        } catch (Throwable t) {
            // Nothing sensible can be done with a failure to log; dropping the line beats crashing the server.
        }
    }

    /** Forgets this thread's error lines, before a call whose failure {@link #errors()} should explain. */
    static void clearErrors() {
        ERRORS.remove();
    }

    /** The error lines llama.cpp logged on this thread since {@link #clearErrors()}, oldest first. */
    static List<String> errors() {
        return List.copyOf(ERRORS.get());
    }

    private static final class Line {
        final StringBuilder text = new StringBuilder();
        Level level = Level.FINE;
        boolean error;
    }
}
