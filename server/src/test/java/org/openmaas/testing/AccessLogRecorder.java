package org.openmaas.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the server's access log lines ({@code method=... path=... status=...}) while it is open: what reached the
 * server, counted from the server's side. A line is written once its response is complete, so tests wait for the
 * lines they expect with {@link #await}.
 */
public final class AccessLogRecorder implements AutoCloseable {

    private final Logger logger = Logger.getLogger("org.openmaas.access"); // held: the logger must outlive this
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private AccessLogRecorder() {
        logger.addHandler(handler);
    }

    public static AccessLogRecorder start() {
        return new AccessLogRecorder();
    }

    /** Lines for {@code method path} with {@code status}. */
    public long count(String method, String path, int status) {
        return lines.stream().filter(line(method, path, status)).count();
    }

    /** Lines for {@code method path}, whatever their status. */
    public long count(String method, String path) {
        return lines.stream().filter(l -> l.contains(" method=" + method + " ") && l.contains(" path=" + path + " ")).count();
    }

    public int size() {
        return lines.size();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits up to {@code timeout} until at least {@code count} lines for {@code method path} with {@code status}. */
    public boolean await(String method, String path, int status, long count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (count(method, path, status) < count) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Waits up to {@code timeout} until at least {@code count} lines in all. */
    public boolean awaitSize(int count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (lines.size() < count) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static Predicate<String> line(String method, String path, int status) {
        return l -> l.contains(" method=" + method + " ") && l.contains(" path=" + path + " ")
                && l.contains(" status=" + status + " ");
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
