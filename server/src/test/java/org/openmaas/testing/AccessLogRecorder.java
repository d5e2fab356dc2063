package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the server's access log records (JSON objects, one a line) while it is open: what reached the server,
 * counted from the server's side. A record is written once its response is complete, so tests wait for the records
 * they expect with {@link #await}. A record that is not one line of JSON fails the test that reads it.
 */
public final class AccessLogRecorder implements AutoCloseable {

    /** Whatever a log reader or a terminal could take for the end of a line. */
    private static final Pattern LINE_BREAK = Pattern.compile("[\\n\\r\\u000b\\u000c\\u0085\\u2028\\u2029]");

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

    /** Records for {@code method path} with {@code status}. */
    public long count(String method, String path, int status) {
        return records().stream().filter(record(method, path).and(r -> r.get("status").asInt() == status)).count();
    }

    /** Records for {@code method path}, whatever their status. */
    public long count(String method, String path) {
        return records().stream().filter(record(method, path)).count();
    }

    /** Every record so far, parsed; an AssertionError if one is not a single line holding one JSON object. */
    public List<JsonNode> records() {
        return lines.stream().map(AccessLogRecorder::parse).toList();
    }

    public int size() {
        return lines.size();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits up to {@code timeout} until at least {@code count} records for {@code method path} with {@code status}. */
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

    /** Waits up to {@code timeout} until at least {@code count} records in all. */
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

    private static Predicate<JsonNode> record(String method, String path) {
        return r -> method.equals(r.get("method").asText()) && path.equals(r.get("path").asText());
    }

    private static JsonNode parse(String line) {
        if (LINE_BREAK.matcher(line).find()) {
            throw new AssertionError("an access log record spans more than one line: " + line);
        }
        JsonNode record = TestServer.json(line);
        if (!record.isObject()) {
            throw new AssertionError("an access log record is not a JSON object: " + line);
        }
        return record;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
