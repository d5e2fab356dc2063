package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
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
        HttpResponse<InputStream> response = server.open(token, server.body("Once upon a time",
                "{\"max_new_tokens\": 1500, \"temperature\": 0}"));
        String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
        Instant hungUp;
        try (InputStream body = response.body()) {
            assertThat(TestServer.readLines(body, 3)).hasSize(3);
            assertThat(engine.load().active()).isEqualTo(1);
            hungUp = Instant.now();
        }

        while (engine.load().active() > 0 && Duration.between(hungUp, Instant.now()).toSeconds() < 5) {
            Thread.sleep(10);
        }

        assertThat(engine.load().active()).as("sequences still decoding 5 s after the client hung up").isZero();
        // The request thread settles right after it cancels, so the record may trail the engine by a moment.
        JsonNode record = usageRecord(requestId);
        while (record.get("status").asText().equals("open") && Duration.between(hungUp, Instant.now()).toSeconds() < 5) {
            Thread.sleep(20);
            record = usageRecord(requestId);
        }
        // The server learns of a hang-up only when a write fails, and a few hundred lines fit in the socket buffers: on
        // a fast run the random model reaches EOS (seen after 327 tokens in 1.5 s) before that. Then the record must
        // say it finished on EOS.
        if (record.get("status").asText().equals("finished")) {
            assertThat(record.get("finish_reason").asText()).isEqualTo("FINISH_REASON_EOS_TOKEN");
        } else {
            assertThat(record.get("status").asText()).isEqualTo("cancelled");
            assertThat(record.get("generated_tokens").asInt()).isBetween(3, 1499);
        }
        TestServer.Stream next = server.stream(token, server.body("Once upon a time", "{\"max_new_tokens\": 4, \"temperature\": 0}"));
        assertThat(next.last().get("details").get("generated_tokens").asInt()).isEqualTo(4);
    }

    private static JsonNode usageRecord(String requestId) {
        return TestServer.json(server.get("/v1/admin/usage/records?request_id=" + requestId, token).body())
                .get("records").get(0);
    }
}
