package org.openmaas.engine.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The events of a streamed answer, one JSON value each, in either framing the upstreams use: server-sent events
 * (llama-server, vLLM, TGI, OpenAI: {@code data:} lines, an event ending at a blank line, {@code data: [DONE]} ending
 * the stream) or NDJSON (MaaS: one value per line).
 */
final class EventStream {

    enum Framing { SSE, NDJSON }

    private static final String DONE = "[DONE]";

    private final BufferedReader reader;
    private final Framing framing;
    private boolean done;

    EventStream(InputStream body, Framing framing) {
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        this.framing = framing;
    }

    /**
     * The next event, or null once the stream has ended (its body ended, or SSE's {@code [DONE]}).
     *
     * @throws UpstreamException (broken) for an event that is not JSON
     * @throws IOException       when the connection breaks
     */
    JsonNode next() throws IOException, UpstreamException {
        if (done) {
            return null;
        }
        String data = framing == Framing.SSE ? nextSseData() : nextLine();
        if (data == null || (framing == Framing.SSE && data.equals(DONE))) {
            done = true;
            return null;
        }
        try {
            return UpstreamHttp.JSON.readTree(data);
        } catch (JsonProcessingException e) {
            // Not the event itself: it may carry generated text, which logs must not.
            throw new UpstreamException(new UpstreamFailure.Broken("the upstream streamed an event that is not JSON ("
                    + data.length() + " characters)"));
        }
    }

    private String nextLine() throws IOException {
        String line;
        do {
            line = reader.readLine();
        } while (line != null && line.isBlank());
        return line;
    }

    /** The data of the next event (its {@code data:} lines joined by newlines); other fields and comments are skipped. */
    private String nextSseData() throws IOException {
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString(); // a last event without its blank line still counts
    }
}
