package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.Await;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/** Admission over HTTP: a bounded queue, clients that leave while queued, and a server that is not taking work. */
class AdmissionTest {

    /** A request that holds the only slot until its client leaves: its generation never ends by itself. */
    static final String LONG = "{\"max_new_tokens\": 1500, \"temperature\": 0}";
    static final ScriptedEngine engine = ScriptedEngine.builder().slots(1).maxQueued(1)
            .script(Script.builder().text("Once").endless(" more")).build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String token = server.token();

    @Test
    void aFullQueueIsRefusedWith429AndRetryAfter() throws Exception {
        try (Socket running = server.openRaw(token, server.body("Once", LONG))) {
            try (Socket queued = server.openRaw(token, server.body("Once", LONG))) {
                Await.until(() -> engine.load().queued() == 1);

                HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, server.body("Once", LONG));

                assertThat(refused.statusCode()).isEqualTo(429);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                JsonNode body = TestServer.json(refused.body());
                assertThat(body.get("code").asInt()).isEqualTo(8);
                assertThat(body.get("message").asText()).contains("wait queue is full (1 requests)");
            }
        }
        Await.until(() -> engine.load().active() == 0 && engine.load().queued() == 0);
    }

    @Test
    void aClientThatLeavesWhileQueuedNeverReachesTheEngine() throws Exception {
        try (Socket running = server.openRaw(token, server.body("Once", LONG))) {
            Socket queued = server.openRaw(token, server.body("Once upon", LONG));
            assertThat(engine.load().queued()).isEqualTo(1);

            queued.close();

            // The running stream keeps the only slot, so the queued request can only have left the queue unserved.
            Await.until(() -> engine.load().queued() == 0);
            assertThat(engine.load().active()).isEqualTo(1);
        }
        Await.until(() -> engine.load().active() == 0);
    }

    @Test
    void aServerThatIsNotReadyRefusesGenerationsWith503AndRetryAfter() {
        server.server().readiness().notReady("testing");
        try {
            HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, server.body("Once", "{}"));

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestServer.json(refused.body()).get("code").asInt()).isEqualTo(14);
            assertThat(server.get("/ready", null).statusCode()).isEqualTo(503);
        } finally {
            server.server().readiness().ready();
        }
    }
}
