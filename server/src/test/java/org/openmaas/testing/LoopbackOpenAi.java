package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;

/**
 * A loopback OpenAI-compatible server whose every answer streams the events a test scripts (chunks in OpenAI's shape,
 * each a JSON text), then {@code data: [DONE]}: for what another OpenMaaS never sends, such as a call's arguments in
 * fragments.
 */
public final class LoopbackOpenAi extends LoopbackUpstream {

    private final List<String> events;

    public LoopbackOpenAi(List<String> events) {
        this.events = List.copyOf(events);
    }

    @Override
    protected void handle(HttpExchange exchange, String path, JsonNode body) throws IOException {
        try (EventWriter writer = new EventWriter(exchange)) {
            for (String event : events) {
                writer.data(event);
            }
            writer.data("[DONE]");
        }
    }
}
