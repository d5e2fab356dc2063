package org.openmaas.api.maas;

import com.fasterxml.jackson.databind.JsonNode;
import org.openmaas.testing.TestServer;

/** The routes that answer with the whole result at once, on a {@link TestServer#scripted} server. */
enum WholeResultRoute {
    MAAS_GENERATE("/v1/maas/generate"),
    COMPLETIONS("/v1/completions"),
    CHAT_COMPLETIONS("/v1/chat/completions");

    final String path;

    WholeResultRoute(String path) {
        this.path = path;
    }

    /** A request body for {@code server}'s product, asking for {@code maxNewTokens}. */
    String body(TestServer server, int maxNewTokens) {
        String model = "{\"model\": \"" + TestServer.SCRIPTED_PRODUCT + "\", ";
        return switch (this) {
            case MAAS_GENERATE -> server.body("Once upon a time",
                    "{\"max_new_tokens\": " + maxNewTokens + ", \"temperature\": 0}");
            case COMPLETIONS -> model + "\"prompt\": \"Once upon a time\", \"max_tokens\": " + maxNewTokens
                    + ", \"temperature\": 0}";
            case CHAT_COMPLETIONS -> model + "\"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}], "
                    + "\"max_tokens\": " + maxNewTokens + ", \"temperature\": 0}";
        };
    }

    /** The generated text of a whole result in this route's shape. */
    String text(JsonNode result) {
        return switch (this) {
            case MAAS_GENERATE -> result.get("generated_text").asText();
            case COMPLETIONS -> result.at("/choices/0/text").asText();
            case CHAT_COMPLETIONS -> result.at("/choices/0/message/content").asText();
        };
    }

    /** Whether the route is OpenAI's, with OpenAI's error object; else the MaaS stream's {@code {"error": {...}}}. */
    boolean openAi() {
        return this != MAAS_GENERATE;
    }
}
