package org.openmaas.engine.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The events of a streamed answer, one JSON value each, in either framing the upstreams use: server-sent events
 * (llama-server, vLLM, TGI, OpenAI: {@code data:} lines, an event ending at a blank line, {@code data: [DONE]} ending
 * the stream) or NDJSON (MaaS: one value per line). Lines end with LF, CRLF or CR, as SSE allows.
 *
 * <p>The bytes go to the JSON parser as they came: a gateway parses one event per token of every stream it relays.
 * Read as text instead (a reader's line, its {@code data:} value cut out, joined, parsed as characters), an event was
 * copied four times and decoded once before parsing, and these copies were 70% of all the bytes the gateway allocated
 * under {@code bench gateway}.
 */
final class EventStream {

    enum Framing { SSE, NDJSON }

    /** The longest line an upstream may send: far above any event (a token, or a last chunk with its settings). */
    static final int MAX_LINE = 8 * 1024 * 1024;

    private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
    private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};
    private static final byte[] LINE_FEED = {'\n'};

    private final InputStream body;
    private final Framing framing;
    private byte[] buffer = new byte[8192];
    private int position; // the next unread byte of buffer
    private int limit;    // the end of what was read into buffer
    private int lineStart;  // the line just read: where it starts in buffer
    private int lineLength; // and its length, without its line break
    private boolean skipLineFeed; // the last line ended with CR, which an LF may follow as one CRLF
    private boolean ended;        // the body has ended
    private boolean done;
    private byte[] data = new byte[1024]; // the current event's data: its data lines' values, joined by LF
    private int dataLength;

    EventStream(InputStream body, Framing framing) {
        this.body = body;
        this.framing = framing;
    }

    /**
     * The next event, or null once the stream has ended (its body ended, or SSE's {@code [DONE]}).
     *
     * @throws UpstreamException (broken) for an event that is not JSON, or a line longer than {@value #MAX_LINE}
     *                           bytes
     * @throws IOException       when the connection breaks
     */
    JsonNode next() throws IOException, UpstreamException {
        if (done) {
            return null;
        }
        boolean found = framing == Framing.SSE ? nextSseData() : nextNonBlankLine();
        if (!found || (framing == Framing.SSE && Arrays.equals(data, 0, dataLength, DONE, 0, DONE.length))) {
            done = true;
            return null;
        }
        try {
            return UpstreamHttp.JSON.readTree(data, 0, dataLength);
        } catch (JsonProcessingException e) {
            // Not the event itself: it may carry generated text, which logs must not.
            throw new UpstreamException(new UpstreamFailure.Broken("the upstream streamed an event that is not JSON ("
                    + dataLength + " bytes)"));
        }
    }

    /** Puts the next line that is not blank into {@link #data}; false at the body's end. */
    private boolean nextNonBlankLine() throws IOException, UpstreamException {
        do {
            if (!nextLine()) {
                return false;
            }
        } while (isBlank());
        dataLength = 0;
        appendData(buffer, lineStart, lineLength);
        return true;
    }

    /**
     * Puts the data of the next event into {@link #data} (its {@code data:} lines joined by LF); other fields and
     * comments are skipped. False at the body's end with no data line since the last event.
     */
    private boolean nextSseData() throws IOException, UpstreamException {
        boolean any = false;
        dataLength = 0;
        while (nextLine()) {
            if (lineLength == 0) {
                if (any) {
                    return true;
                }
                continue;
            }
            if (lineLength >= DATA.length
                    && Arrays.equals(buffer, lineStart, lineStart + DATA.length, DATA, 0, DATA.length)) {
                int value = lineStart + DATA.length;
                int end = lineStart + lineLength;
                if (value < end && buffer[value] == ' ') {
                    value++;
                }
                if (any) {
                    appendData(LINE_FEED, 0, 1);
                }
                appendData(buffer, value, end - value);
                any = true;
            }
        }
        return any; // a last event without its blank line still counts
    }

    /**
     * Reads the next line into {@link #buffer} at {@link #lineStart}, {@link #lineLength} bytes without its line
     * break; false at the body's end. A last line without a line break still counts.
     */
    private boolean nextLine() throws IOException, UpstreamException {
        int scanned = 0; // bytes from position on that hold no line break
        while (true) {
            if (skipLineFeed && position < limit) {
                skipLineFeed = false;
                if (buffer[position] == '\n') {
                    position++;
                }
            }
            for (int i = position + scanned; i < limit; i++) {
                byte b = buffer[i];
                if (b == '\n' || b == '\r') {
                    lineStart = position;
                    lineLength = i - position;
                    position = i + 1;
                    skipLineFeed = b == '\r';
                    return true;
                }
            }
            scanned = limit - position;
            if (ended) {
                if (scanned == 0) {
                    return false;
                }
                lineStart = position;
                lineLength = scanned;
                position = limit;
                return true;
            }
            fill();
        }
    }

    /** Moves the unread bytes to the buffer's start and reads more after them, growing it for a long line. */
    private void fill() throws IOException, UpstreamException {
        int kept = limit - position;
        if (kept == buffer.length) {
            if (buffer.length >= MAX_LINE) {
                throw new UpstreamException(new UpstreamFailure.Broken("the upstream streamed a line longer than "
                        + MAX_LINE + " bytes"));
            }
            buffer = Arrays.copyOf(buffer, Math.min(MAX_LINE, buffer.length * 2));
        }
        System.arraycopy(buffer, position, buffer, 0, kept);
        position = 0;
        limit = kept;
        int n = body.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            ended = true;
        } else {
            limit += n;
        }
    }

    private void appendData(byte[] source, int offset, int length) {
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length));
        }
        System.arraycopy(source, offset, data, dataLength, length);
        dataLength += length;
    }

    /** Whether the line holds nothing but spaces and control characters. */
    private boolean isBlank() {
        for (int i = lineStart; i < lineStart + lineLength; i++) {
            if ((buffer[i] & 0xff) > ' ') {
                return false;
            }
        }
        return true;
    }
}
