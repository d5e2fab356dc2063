package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Await;
import org.openmaas.testing.Gate;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * The grace period of {@link MaasServer#close()}, with generations that cannot end until the test opens their gate:
 * a stream still held when the grace ends gets the error line, one released within it ends normally. The process-level
 * SIGTERM path is {@code cli/GracefulShutdownIT}'s.
 */
class GracefulShutdownTest {

    final Gate gate = new Gate();
    final ScriptedEngine engine = ScriptedEngine.builder()
            .script(Script.builder().text("Once").hold(gate).text(" upon").finish(FinishReason.LENGTH))
            .build();
    TestServer server;

    @AfterEach
    void stop() {
        gate.open();
        server.close();
    }

    @Test
    void aStreamStillRunningWhenTheGracePeriodEndsGetsAnErrorLine() throws Exception {
        server = TestServer.serving(Duration.ofMillis(100), TestServer.product(TestServer.SCRIPTED_PRODUCT, engine));
        BufferedReader stream = open();
        assertThat(json(firstLine(stream)).has("result")).isTrue();
        gate.awaitReached();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);

        JsonNode last = lastLine(stream);
        assertThat(last.at("/error/code").asInt()).isEqualTo(14);
        assertThat(last.at("/error/message").asText()).contains("shutting down");
        closed.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aStreamThatEndsWithinTheGracePeriodFinishesWhileNewRequestsAreRefused() throws Exception {
        server = TestServer.serving(Duration.ofMinutes(5), TestServer.product(TestServer.SCRIPTED_PRODUCT, engine));
        String token = server.token();
        BufferedReader stream = open();
        assertThat(json(firstLine(stream)).has("result")).isTrue();
        gate.awaitReached();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
        Await.until(() -> server.get("/ready", null).statusCode() == 503);

        HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, body());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(TestServer.json(refused.body()).get("code").asInt()).isEqualTo(14);
        assertThat(closed).as("close() waits for the held stream").isNotDone();

        gate.open();

        JsonNode last = lastLine(stream);
        assertThat(last.at("/result/response/details/finish_reason").asText()).isEqualTo("FINISH_REASON_LENGTH");
        closed.get(30, TimeUnit.SECONDS);
    }

    private BufferedReader open() {
        HttpResponse<java.io.InputStream> response = server.open(server.token(), body());
        assertThat(response.statusCode()).isEqualTo(200);
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The stream's first line that is not a heartbeat (a blank line, written when no token came for a second). */
    private static String firstLine(BufferedReader stream) throws IOException {
        String line = stream.readLine();
        while (line != null && line.isEmpty()) {
            line = stream.readLine();
        }
        return line;
    }

    private String body() {
        return server.body("Once upon a time", "{\"max_new_tokens\": 10}");
    }

    private static JsonNode lastLine(BufferedReader stream) throws Exception {
        String last = null;
        for (String line = stream.readLine(); line != null; line = stream.readLine()) {
            if (!line.isBlank()) {
                last = line;
            }
        }
        assertThat(last).as("the stream has a last line").isNotNull();
        return json(last);
    }

    private static JsonNode json(String line) {
        return TestServer.json(line);
    }
}
