package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.Await;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/** A client that hangs up cancels its generation: the engine frees the slot and serves the next request. */
class CancellationTest {

    static final int ENDLESS = 1500;
    /** A generation of {@code max_new_tokens} 1500 never ends by itself: only a cancellation frees its slot. */
    static final ScriptedEngine engine = ScriptedEngine.builder()
            .scripts(request -> request.maxNewTokens() == ENDLESS ? Script.builder().text("Once").endless(" more")
                    : ScriptedEngine.untilMaxNewTokens(request))
            .build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String token = server.token();

    @Test
    void hangingUpMidStreamFreesTheEngineOfAGenerationThatWouldNeverEnd() throws Exception {
        try (Socket client = server.openRaw(token, server.body("Once upon a time",
                "{\"max_new_tokens\": " + ENDLESS + ", \"temperature\": 0}"))) {
            assertThat(TestServer.readLines(client.getInputStream(), 6)).hasSize(6);
            assertThat(engine.load().active()).isEqualTo(1);
        }

        Await.until(() -> engine.load().active() == 0);

        // The request thread settles right after it cancels, so the record may trail the engine by a moment.
        Await.until(() -> !onlyUsageRecord().get("status").asText().equals("open"));
        JsonNode record = onlyUsageRecord();
        assertThat(record.get("status").asText()).isEqualTo("cancelled");
        assertThat(record.get("generated_tokens").asInt()).isBetween(1, 200);
        TestServer.Stream next = server.stream(token, server.body("Once upon a time", "{\"max_new_tokens\": 4, \"temperature\": 0}"));
        assertThat(next.last().get("details").get("generated_tokens").asInt()).isEqualTo(4);
    }

    /** This server's one usage record so far: the hung-up request's. */
    private static JsonNode onlyUsageRecord() {
        JsonNode records = TestServer.json(server.get("/v1/admin/usage/records", token).body()).get("records");
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}
