package org.openmaas.engine.remote;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A stream's open body that knows when its upstream last sent a byte, so an attempt can tell a stream that stalled
 * (a wedged GPU, a half-open connection) from one that is slow: {@link AttemptRun} fails it over once it has been
 * silent for {@link #idleWait()}.
 */
final class WatchedBody extends FilterInputStream {

    private final Duration idleWait;
    private volatile long lastByteNanos = System.nanoTime();

    WatchedBody(InputStream body, Duration idleWait) {
        super(body);
        this.idleWait = idleWait;
    }

    Duration idleWait() {
        return idleWait;
    }

    /** Whether the upstream has sent nothing for longer than the idle wait. */
    boolean stalled() {
        return System.nanoTime() - lastByteNanos > idleWait.toNanos();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            lastByteNanos = System.nanoTime();
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            lastByteNanos = System.nanoTime();
        }
        return n;
    }
}
