package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.Engine;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** Admission over HTTP: a bounded queue, clients that leave while queued, and a server that is not taking work. */
class AdmissionTest {

    static final String LONG = "{\"max_new_tokens\": 1500, \"temperature\": 0}";
    static TestServer server;
    static String token;
    static Engine engine;

    @BeforeAll
    static void start() throws IOException {
        Path catalog = Files.createTempFile("catalog", ".yaml");
        Files.writeString(catalog, """
                products:
                  - product_name: maas-model-slow
                    model: %s
                    slots: 1
                    max_queued: 1
                """.formatted(TestModels.slow()));
        server = TestServer.withCatalog(catalog);
        token = server.token();
        engine = server.server().catalog().entries().getFirst().engine();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFullQueueIsRefusedWith429AndRetryAfter() throws Exception {
        try (Socket running = server.openRaw(token, server.body("Once", LONG))) {
            try (Socket queued = server.openRaw(token, server.body("Once", LONG))) {
                await(() -> engine.load().queued() == 1);

                HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, server.body("Once", LONG));

                assertThat(refused.statusCode()).isEqualTo(429);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                JsonNode body = TestServer.json(refused.body());
                assertThat(body.get("code").asInt()).isEqualTo(8);
                assertThat(body.get("message").asText()).contains("wait queue is full (1 requests)");
            }
        }
        await(() -> engine.load().active() == 0 && engine.load().queued() == 0);
    }

    @Test
    void aClientThatLeavesWhileQueuedNeverReachesTheEngine() throws Exception {
        try (Socket running = server.openRaw(token, server.body("Once", LONG))) {
            Socket queued = server.openRaw(token, server.body("Once upon", LONG));
            assertThat(engine.load().queued()).isEqualTo(1);

            queued.close();

            // The running stream keeps the only slot, so the queued request can only have left the queue unserved.
            await(() -> engine.load().queued() == 0);
            assertThat(engine.load().active()).isEqualTo(1);
        }
        await(() -> engine.load().active() == 0);
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

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition within 20 s").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
