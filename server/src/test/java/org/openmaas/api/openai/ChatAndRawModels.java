package org.openmaas.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.openmaas.engine.ModelInfo;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * A server for the OpenAI route tests with two products: a generated model with a chat template and the tiny model
 * without one (raw prompts only), with the ids {@code GET /v1/models} gives them.
 */
record ChatAndRawModels(TestServer server, String chatModel, String rawModel) implements AutoCloseable {

    static ChatAndRawModels start() {
        TestServer server = TestServer.serving(List.of(TestModels.chat(), TestModels.tiny().getFirst()));
        String chat = null;
        String raw = null;
        for (JsonNode model : TestServer.json(server.get("/v1/models", server.token()).body()).get("data")) {
            if (model.get("id").asText().contains("random-llama-chat")) {
                chat = model.get("id").asText();
            } else {
                raw = model.get("id").asText();
            }
        }
        return new ChatAndRawModels(server, chat, raw);
    }

    /**
     * The same two products on scripted engines of 512 tokens' context: for tests of validation, errors and metering,
     * which need no model.
     */
    static ChatAndRawModels scripted() {
        String chat = "maas-model-chat";
        String raw = "maas-model-raw";
        TestServer server = TestServer.serving(
                TestServer.product(chat, ScriptedEngine.builder().model(new ModelInfo("chat", 512, 1000, true)).build()),
                TestServer.product(raw, ScriptedEngine.builder().model(new ModelInfo("raw", 512, 1000, false)).build()));
        return new ChatAndRawModels(server, chat, raw);
    }

    @Override
    public void close() {
        server.close();
    }
}
