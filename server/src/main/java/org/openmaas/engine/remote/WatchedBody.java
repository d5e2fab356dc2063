package org.openmaas.engine.remote;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * A stream's open body that knows when its upstream last sent a byte, so an attempt can tell a stream that stalled
 * (a wedged GPU, a half-open connection) from one that is slow: {@link AttemptRun} fails it over once it has said
 * nothing within its first-token wait (counted from the request) or, after its first byte, for its idle wait.
 */
final class WatchedBody extends FilterInputStream {

    private final UpstreamTimeouts timeouts;
    private final long sentNanos;
    private volatile long lastByteNanos;
    private volatile boolean sentAny;

    /** @param sentNanos when the request was sent ({@link System#nanoTime()}): the first-token wait runs from there */
    WatchedBody(InputStream body, UpstreamTimeouts timeouts, long sentNanos) {
        super(body);
        this.timeouts = timeouts;
        this.sentNanos = sentNanos;
    }

    /** How often a watcher should look: a quarter of the shorter wait, so a stall is seen within 25% of its wait. */
    Duration watchPeriod() {
        Duration first = timeouts.firstToken();
        return (first.compareTo(timeouts.idle()) < 0 ? first : timeouts.idle()).dividedBy(4);
    }

    /**
     * Why the stream counts as stalled, if it does: nothing since the request within the first-token wait, or nothing
     * since its last byte for the idle wait.
     *
     * @param generated the tokens the attempt has had, for the message
     */
    Optional<String> stall(int generated) {
        long now = System.nanoTime();
        if (!sentAny) {
            return now - sentNanos > timeouts.firstToken().toNanos()
                    ? Optional.of("the upstream sent nothing within " + timeouts.firstToken().toMillis()
                            + " ms of the request (the first-token timeout)")
                    : Optional.empty();
        }
        return now - lastByteNanos > timeouts.idle().toNanos()
                ? Optional.of("the upstream sent nothing for " + timeouts.idle().toMillis() + " ms after " + generated
                        + " tokens (the idle timeout)")
                : Optional.empty();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            sawBytes();
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            sawBytes();
        }
        return n;
    }

    private void sawBytes() {
        lastByteNanos = System.nanoTime();
        sentAny = true;
    }
}
