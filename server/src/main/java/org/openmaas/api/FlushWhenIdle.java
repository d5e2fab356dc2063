package org.openmaas.api;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.openmaas.engine.Generation;

/**
 * A stream's response body that flushes only when its generation has no event waiting: a writer flushes after every
 * line, and when the engine has queued more tokens meanwhile (a busy machine wakes the request thread late), the lines
 * go out together with the last one's flush, one write to the socket instead of one per token. No token waits for
 * another: the loop draining the generation takes the waiting event at once and flushes after it.
 */
final class FlushWhenIdle extends FilterOutputStream {

    private final Generation generation;

    FlushWhenIdle(OutputStream out, Generation generation) {
        super(out);
        this.generation = generation;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len); // FilterOutputStream would write byte by byte
    }

    @Override
    public void flush() throws IOException {
        if (!generation.hasEvents()) {
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        out.close(); // the response's own close sends what is left
    }
}
