package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * {@code ./maas serve} killed with SIGKILL in the middle of a stream: the next start on the same data directory
 * finds the request's usage record still open and closes it as interrupted, with what was known (prompt tokens and
 * the generated tokens of the last checkpoint).
 */
class CrashRecoveryIT {

    static final String ACCOUNT = "135792468013";
    static final String CLIENT_ID = "crash-client";
    static final String CLIENT_SECRET = "crash-secret-0123456789";
    static final Path ROOT = Path.of(System.getProperty("openmaas.projectRoot", ".."));

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aServerKilledMidStreamClosesTheRequestsUsageRecordAsInterruptedAtItsNextStart() throws Exception {
        int port = freePort();
        Process first = serve(port, "first.log");
        String requestId;
        try {
            awaitReady(port, first, "first.log");
            String token = token(port);
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri(port, "/v1/completions"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(port, token))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            requestId = stream.headers().firstValue("X-Request-ID").orElseThrow();
            BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            // A few tokens prove the stream is under way; other lines are the events' separators and the heartbeats
            // written while the request waits for its first token (on a busy machine, it may).
            int tokens = 0;
            while (tokens < 5) {
                String line = reader.readLine();
                assertThat(line).as("the stream ended after %d tokens", tokens).isNotNull();
                if (line.startsWith("data: {")) {
                    tokens++;
                }
            }
            // The running count reaches the store a few seconds after admission: the stream is read on meanwhile (a
            // server that cannot write its tokens makes no progress) until the record shows it.
            Thread.ofVirtual().start(() -> {
                try {
                    reader.transferTo(Writer.nullWriter());
                } catch (IOException killed) {
                    // the server is killed while this reads
                }
            });
            awaitCheckpoint(port, requestId);
            awaitStored(port);

            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.destroyForcibly();
        }

        Process second = serve(port, "second.log");
        try {
            awaitReady(port, second, "second.log");
            HttpResponse<String> records = http.send(HttpRequest.newBuilder(uri(port,
                            "/v1/admin/usage/records?request_id=" + requestId))
                    .header("Authorization", "Bearer " + token(port)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode record = TestServer.json(records.body()).get("records").get(0);

            assertThat(record.get("status").asText()).isEqualTo("interrupted");
            assertThat(record.get("prompt_tokens").asInt()).isPositive();
            assertThat(record.get("generated_tokens").asInt()).isBetween(1, 1999);
            assertThat(record.get("completed_at").isNull()).isFalse();
            assertThat(Files.readString(dir.resolve("second.log"))).contains("closed as interrupted");
        } finally {
            second.destroy();
            if (!second.waitFor(30, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    private Process serve(int port, String log) throws IOException {
        ProcessBuilder serve = new ProcessBuilder(ROOT.resolve("maas").toString(), "serve", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString(), "--threads", "2",
                "--model", TestModels.slow().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
        serve.environment().remove("MAAS_DB_URL");
        serve.environment().put("MAAS_BOOTSTRAP_CLOUD_ACCOUNT", ACCOUNT);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_ID", CLIENT_ID);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_SECRET", CLIENT_SECRET);
        return serve.start();
    }

    private String token(int port) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(port, "/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response.body()).get("access_token").asText();
    }

    private String body(int port, String token) throws Exception {
        JsonNode product = TestServer.json(http.send(HttpRequest.newBuilder(uri(port, "/v1/maas/models"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("models").get(0);
        // The random model would end its greedy story after some 330 tokens, on a quiet machine before the record's
        // first checkpoint: its end of text (id 2) is banned, so the stream runs until the kill.
        return """
                {"model": "%s", "prompt": "Once upon a time", "max_tokens": 2000, "temperature": 0,
                 "logit_bias": {"2": -100}, "stream": true}"""
                .formatted(product.get("product_name").asText());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Returns once what other requests can read is also in the file. H2 shows a transaction's changes to other
     * transactions before its commit has written them, so a kill right after the checkpoint was read could lose it; a
     * write acknowledged after that read was stored after it (H2 writes one commit at a time, each with all that was
     * committed before), so the checkpoint is in the file once this write is acknowledged.
     */
    private void awaitStored(int port) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri(port, "/v1/admin/accounts"))
                .header("Authorization", "Bearer " + token(port)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"written-after-the-checkpoint\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private void awaitCheckpoint(int port, String requestId) throws Exception {
        String token = token(port);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> records = http.send(HttpRequest.newBuilder(uri(port,
                            "/v1/admin/usage/records?request_id=" + requestId))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            if (TestServer.json(records.body()).get("records").get(0).get("generated_tokens").asInt() > 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the running request's usage record showed no generated tokens in 2 minutes");
    }

    private void awaitReady(int port, Process server, String log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("maas serve exited: " + Files.readString(dir.resolve(log)));
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri(port, "/ready")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("maas serve was not ready in time: " + Files.readString(dir.resolve(log)));
    }
}
