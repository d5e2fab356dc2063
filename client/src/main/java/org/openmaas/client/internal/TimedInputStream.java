package org.openmaas.client.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Future;

/**
 * A response body whose every read must return within the read timeout; otherwise the body is closed, which aborts
 * the HTTP exchange, and the read fails with {@link SocketTimeoutException}.
 */
final class TimedInputStream extends FilterInputStream {

    private final Watchdog watchdog;
    private final Duration timeout;
    private volatile boolean timedOut;

    TimedInputStream(InputStream in, Watchdog watchdog, Duration timeout) {
        super(in);
        this.watchdog = watchdog;
        this.timeout = timeout;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Future<?> alarm = watchdog.schedule(timeout, this::expire);
        try {
            int n = in.read(b, off, len);
            if (timedOut) {
                throw timeout();
            }
            return n;
        } catch (IOException e) {
            if (timedOut) {
                throw timeout();
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    private void expire() {
        timedOut = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader sees the timeout either way
        }
    }

    private SocketTimeoutException timeout() {
        return new SocketTimeoutException("no data from the service for " + timeout.toMillis() + " ms (the read timeout)");
    }
}
