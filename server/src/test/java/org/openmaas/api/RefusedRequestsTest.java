package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.Await;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A request refused before any work is done is counted, not recorded as usage: a flood against a product whose one
 * slot and one queue place are taken leaves no usage record for its 429s, and the refusals show in the Prometheus
 * metrics by product and reason and to administrators by client.
 */
class RefusedRequestsTest {

    /** Holds the only slot until its client leaves: its generation never ends by itself. */
    static final String LONG = "{\"max_new_tokens\": 1500, \"temperature\": 0}";
    static final int FLOOD = 25;
    static final ScriptedEngine engine = ScriptedEngine.builder().slots(1).maxQueued(1)
            .script(Script.builder().text("Once").endless(" more")).build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);

    @Test
    void aFloodRefusedForAFullQueueLeavesNoUsageRecordsAndIsCountedPerProductAndClient() throws Exception {
        TestServer.Client client = server.newClient("inference");
        String token = server.token(client.id(), client.secret());
        String body = server.body("Once", LONG).replace(TestServer.ACCOUNT, client.account());
        List<Integer> statuses = new ArrayList<>();
        try (Socket running = server.openRaw(token, body); Socket queued = server.openRaw(token, body)) {
            Await.until(() -> engine.load().queued() == 1);

            for (int i = 0; i < FLOOD; i++) {
                statuses.add(server.post(i % 2 == 0 ? "/v1/maas/generate" : "/v1/maas/generatestream", token, body)
                        .statusCode());
            }
        }
        Await.until(() -> engine.load().active() == 0 && engine.load().queued() == 0);

        assertThat(statuses).containsOnly(429);
        JsonNode records = admin("/v1/admin/usage/records?client=" + client.id()).get("records");
        assertThat(records).as("only the two requests the engine took").hasSize(2);
        records.forEach(r -> assertThat(r.get("status").asText()).isNotEqualTo("failed"));
        assertThat(admin("/v1/admin/usage/refusals?client=" + client.id()).get("refusals")).singleElement()
                .satisfies(r -> {
                    assertThat(r.get("client_id").asText()).isEqualTo(client.id());
                    assertThat(r.get("product_name").asText()).isEqualTo(TestServer.SCRIPTED_PRODUCT);
                    assertThat(r.get("reason").asText()).isEqualTo("queue_full");
                    assertThat(r.get("refused").asLong()).isEqualTo(FLOOD);
                });
        assertThat(server.get("/metrics", null).body()).contains("maas_refused_requests_total{product=\""
                + TestServer.SCRIPTED_PRODUCT + "\",reason=\"queue_full\"} " + FLOOD + ".0");
    }

    @Test
    void aRequestRefusedByAClientLimitIsCountedUnderTheLimitsName() throws Exception {
        TestServer.Client client = server.newClient("inference");
        String token = server.token(client.id(), client.secret());
        String body = server.body("Once", LONG).replace(TestServer.ACCOUNT, client.account());
        assertThat(server.send("PUT", "/v1/admin/clients/" + client.id() + "/limits", server.token(),
                "{\"requests_per_minute\": 1}").statusCode()).isEqualTo(200);
        try (Socket admitted = server.openRaw(token, body)) {
            HttpResponse<String> refused = server.post("/v1/maas/generate", token, body);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("requests_per_minute");
        }
        Await.until(() -> engine.load().active() == 0 && engine.load().queued() == 0);

        assertThat(admin("/v1/admin/usage/records?client=" + client.id()).get("records")).hasSize(1);
        assertThat(admin("/v1/admin/usage/refusals?client=" + client.id()).get("refusals")).singleElement()
                .satisfies(r -> {
                    assertThat(r.get("reason").asText()).isEqualTo("requests_per_minute");
                    assertThat(r.get("refused").asLong()).isEqualTo(1);
                });
    }

    @Test
    void theRefusalsAreListedForEveryClientOrOneAndTakeNoOtherFilter() {
        HttpResponse<String> response = server.get("/v1/admin/usage/refusals?who=me", server.token());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("unknown query parameter 'who'; allowed: client");
        assertThat(admin("/v1/admin/usage/refusals").has("refusals")).isTrue();
    }

    private static JsonNode admin(String path) {
        HttpResponse<String> response = server.get(path, server.token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response.body());
    }
}
