package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.Engine;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** A client that hangs up cancels its generation: the engine frees the slot and serves the next request. */
class CancellationTest {

    static TestServer server;
    static String token;

    @BeforeAll
    static void start() {
        server = TestServer.serving(List.of(TestModels.slow()));
        token = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void hangingUpMidStreamFreesTheEngineLongBeforeTheGenerationWouldHaveEnded() throws Exception {
        Engine engine = server.server().catalog().entries().getFirst().engine();
        // Hundreds of tokens on this model take many seconds; the cancellation must take effect in far less.
        Instant hungUp;
        try (Socket client = server.openRaw(token, server.body("Once upon a time",
                "{\"max_new_tokens\": 1500, \"temperature\": 0}"))) {
            assertThat(TestServer.readLines(client.getInputStream(), 6)).hasSize(6);
            assertThat(engine.load().active()).isEqualTo(1);
            hungUp = Instant.now();
        }

        while (engine.load().active() > 0 && Duration.between(hungUp, Instant.now()).toSeconds() < 5) {
            Thread.sleep(10);
        }

        assertThat(engine.load().active()).as("sequences still decoding 5 s after the client hung up").isZero();
        // The request thread settles right after it cancels, so the record may trail the engine by a moment.
        JsonNode record = onlyUsageRecord();
        while (record.get("status").asText().equals("open") && Duration.between(hungUp, Instant.now()).toSeconds() < 5) {
            Thread.sleep(20);
            record = onlyUsageRecord();
        }
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
