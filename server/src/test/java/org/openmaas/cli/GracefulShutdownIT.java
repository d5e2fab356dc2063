package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * SIGTERM to {@code ./maas serve}: no new work, in-flight streams finish within the grace period, every step is logged,
 * then it exits 0. What happens to a stream the grace period cuts short is {@code server/GracefulShutdownTest}'s, with
 * a generation that cannot end before the grace does: on a real model that race depends on the machine's speed.
 */
class GracefulShutdownIT {

    static final String ACCOUNT = "135792468013";
    static final String CLIENT_ID = "shutdown-client";
    static final String CLIENT_SECRET = "shutdown-secret-0123456789";
    static final Path ROOT = Path.of(System.getProperty("openmaas.projectRoot", ".."));
    /** A status of 503 in an access line (one JSON object). */
    static final Pattern STATUS_503 = Pattern.compile("\"status\":503\\b");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private Process server;
    private int port;

    @AfterEach
    void kill() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    /** Logging goes on to the end: the server's own lines, and an access line for every request answered meanwhile. */
    @Test
    void aRunningStreamFinishesWhileNewRequestsAreRefused() throws Exception {
        start(30);
        Iterator<String> stream = openStream(200);
        assertThat(nextJson(stream).has("result")).isTrue();

        server.destroy(); // SIGTERM

        await(() -> get("/ready").statusCode() == 503);
        HttpResponse<String> refused = post(generation(5));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(TestServer.json(refused.body()).get("code").asInt()).isEqualTo(14);
        JsonNode last = lastJson(stream);
        assertThat(last.at("/result/response/details/finish_reason").asText()).startsWith("FINISH_REASON_");
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server exits after its streams finished").isTrue();
        assertThat(server.exitValue()).as("the exit code after a clean drain").isZero();

        List<String> log = Files.readAllLines(dir.resolve("server.log"));
        List<String> afterSignal = log.subList(indexOf(log, line -> line.contains("SIGTERM received")), log.size());
        assertThat(afterSignal).as("the log after the signal")
                .anyMatch(line -> line.contains("MaasServer: stopping: new generations are refused"))
                .anyMatch(line -> line.contains("/v1/maas/generatestream") && STATUS_503.matcher(line).find())
                .anyMatch(line -> line.contains("/v1/maas/generatestream") && line.contains("FINISH_REASON_"));
        assertThat(afterSignal.getLast()).endsWith("MaasServer: stopped");
    }

    private static int indexOf(List<String> lines, Predicate<String> wanted) {
        for (int i = 0; i < lines.size(); i++) {
            if (wanted.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such line in the log:\n" + String.join("\n", lines));
    }

    private void start(int graceSeconds) throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder serve = new ProcessBuilder(ROOT.resolve("maas").toString(), "serve", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString(),
                "--model", TestModels.slow().toString(), "--threads", "1",
                "--shutdown-grace", Integer.toString(graceSeconds))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        serve.environment().put("MAAS_BOOTSTRAP_CLOUD_ACCOUNT", ACCOUNT);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_ID", CLIENT_ID);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_SECRET", CLIENT_SECRET);
        server = serve.start();
        await(() -> {
            assertThat(server.isAlive()).as("maas serve is running").isTrue();
            return get("/ready").statusCode() == 200;
        });
    }

    private Iterator<String> openStream(int maxNewTokens) throws Exception {
        Stream<String> lines = http.send(request(generation(maxNewTokens)), HttpResponse.BodyHandlers.ofLines()).body();
        return lines.filter(line -> !line.isBlank()).iterator();
    }

    private static JsonNode nextJson(Iterator<String> lines) {
        assertThat(lines.hasNext()).isTrue();
        return TestServer.json(lines.next());
    }

    private static JsonNode lastJson(Iterator<String> lines) {
        String last = null;
        while (lines.hasNext()) {
            last = lines.next();
        }
        assertThat(last).as("the stream has a last line").isNotNull();
        return TestServer.json(last);
    }

    private String generation(int maxNewTokens) throws Exception {
        String token = token();
        JsonNode product = TestServer.json(http.send(HttpRequest.newBuilder(uri("/v1/maas/models"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("models").get(0);
        return """
                {"model": "%s", "productName": "%s", "productId": "%s", "cloudAccountId": "%s",
                 "request": {"prompt": "Once upon a time", "params": {"max_new_tokens": %d, "temperature": 0}}}"""
                .formatted(product.get("model_name").asText(), product.get("product_name").asText(),
                        product.get("product_id").asText(), ACCOUNT, maxNewTokens);
    }

    private HttpRequest request(String body) throws Exception {
        return HttpRequest.newBuilder(uri("/v1/maas/generatestream")).header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(request(body), HttpResponse.BodyHandlers.ofString());
    }

    private String cachedToken;

    private String token() throws Exception {
        if (cachedToken == null) {
            String basic = Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes());
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/oauth2/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            cachedToken = TestServer.json(response.body()).get("access_token").asText();
        }
        return cachedToken;
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private void await(java.util.function.BooleanSupplier condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (NullPointerException notListening) {
                // get() answered null: not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met in time; server log:\n" + Files.readString(dir.resolve("server.log")));
    }
}
