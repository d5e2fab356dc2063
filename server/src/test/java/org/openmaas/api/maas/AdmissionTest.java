package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Await;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Admission over HTTP: a bounded queue, clients that leave while queued, a server that is not taking work, and
 * requests started on the engine before their admission ran.
 */
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
    void aRequestStartedBeforeItsAdmissionAndThenRefusedIsCancelledOnTheEngineAndLeavesNoUsage() throws Exception {
        TestServer.Client client = server.newClient("inference");
        String clientToken = server.token(client.id(), client.secret());
        String body = server.body("Once", LONG).replace(TestServer.ACCOUNT, client.account());
        assertThat(limits(client, "{\"requests_per_minute\": 100}")).isEqualTo(200);
        engine.playNext(Script.words(3, FinishReason.LENGTH));
        assertThat(server.post("/v1/maas/generate", clientToken, body).statusCode()).isEqualTo(200);
        // This instance saw 1 of 100 requests: the client's next request starts on the engine while it is admitted.
        assertThat(limits(client, "{\"requests_per_minute\": 1}")).isEqualTo(200);
        int submitted = engine.submitted().size();

        HttpResponse<String> refused = server.post("/v1/maas/generatestream", clientToken, body);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("requests_per_minute (1)").doesNotContain("\"token\"");
        assertThat(engine.submitted()).as("started before its admission").hasSize(submitted + 1);
        Await.until(() -> engine.load().active() == 0 && engine.load().queued() == 0);
        JsonNode records = TestServer.json(server.get("/v1/admin/usage/records?client=" + client.id(),
                server.token()).body()).get("records");
        assertThat(records).as("only the admitted request").hasSize(1);
    }

    private static int limits(TestServer.Client client, String limits) {
        return server.send("PUT", "/v1/admin/clients/" + client.id() + "/limits", server.token(), limits).statusCode();
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
