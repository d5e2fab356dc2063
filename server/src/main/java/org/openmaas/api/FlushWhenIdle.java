package org.openmaas.api;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * A stream's response body that flushes only when its generations have no event waiting: a writer flushes after every
 * line, and when the engine has queued more tokens meanwhile (a busy machine wakes the request thread late), the lines
 * go out together with the last one's flush, one write to the socket instead of one per token. No token waits for
 * another: the loop draining the generation takes the waiting event at once and flushes after it. The first flush
 * goes out whatever is waiting: a request thread that lags an upstream streaming faster than it drains stays behind
 * for the whole generation, and its first token would wait in the buffer with the rest (the time to first token).
 */
final class FlushWhenIdle extends FilterOutputStream {

    private final BooleanSupplier eventsWaiting;
    /** Whether anything was flushed yet: the response's first line never waits. */
    private boolean flushed;

    FlushWhenIdle(OutputStream out, BooleanSupplier eventsWaiting) {
        super(out);
        this.eventsWaiting = eventsWaiting;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len); // FilterOutputStream would write byte by byte
    }

    @Override
    public void flush() throws IOException {
        if (!flushed || !eventsWaiting.getAsBoolean()) {
            flushed = true;
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        out.close(); // the response's own close sends what is left
    }
}
