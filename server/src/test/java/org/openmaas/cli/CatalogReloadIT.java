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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * SIGHUP to {@code ./maas serve --catalog FILE}: the file's changes are applied as the admin calls would apply them,
 * and a file with a mistake changes nothing and says why in the log. The server starts under {@code nohup}, as
 * operators start it, which leaves SIGHUP ignored in the process unless {@code ./maas} puts it back.
 */
class CatalogReloadIT {

    static final String ACCOUNT = "135792468014";
    static final String CLIENT_ID = "reload-client";
    static final String CLIENT_SECRET = "reload-secret-0123456789";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private Process server;
    private int port;
    private Path catalog;

    @AfterEach
    void kill() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void sighupAppliesTheFilesChangesAndAFileWithAMistakeChangesNothing() throws Exception {
        Files.copy(TestModels.tiny().getFirst(), dir.resolve("tiny.gguf"));
        catalog = dir.resolve("catalog.yaml");
        Files.writeString(catalog, """
                products:
                  - {product_name: maas-model-kept, model: tiny.gguf}
                  - {product_name: maas-model-changed, model: tiny.gguf}
                  - {product_name: maas-model-dropped, model: tiny.gguf}
                """);
        start();

        Files.writeString(catalog, """
                products:
                  - {product_name: maas-model-kept, model: tiny.gguf}
                  - {product_name: maas-model-changed, model: tiny.gguf, slots: 2}
                  - {product_name: maas-model-new, model: tiny.gguf}
                """);
        hangUp();

        await(() -> states().equals(List.of("maas-model-kept serving", "maas-model-changed serving",
                "maas-model-new serving")) && slots("maas-model-changed") == 2);
        assertThat(modelNames()).containsExactly("maas-model-kept", "maas-model-changed", "maas-model-new");
        assertThat(log()).contains("catalog file " + catalog + " reloaded: removed maas-model-dropped, changed "
                + "maas-model-changed, added maas-model-new");

        Files.writeString(catalog, """
                products:
                  - {product_name: maas-model-kept, model: tiny.gguf, slot: 2}
                """);
        hangUp();

        await(() -> log().contains("not reloaded, nothing changed"));
        assertThat(log()).contains("product 1 (maas-model-kept): unknown key 'slot'");
        assertThat(modelNames()).containsExactly("maas-model-kept", "maas-model-changed", "maas-model-new");
    }

    private void start() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder serve = new ProcessBuilder("nohup", GracefulShutdownIT.ROOT.resolve("maas").toString(),
                "serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString(),
                "--catalog", catalog.toString(), "--threads", "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        serve.environment().put("MAAS_BOOTSTRAP_CLOUD_ACCOUNT", ACCOUNT);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_ID", CLIENT_ID);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_SECRET", CLIENT_SECRET);
        server = serve.start();
        await(() -> {
            assertThat(server.isAlive()).as("maas serve is running").isTrue();
            HttpResponse<String> ready = get("/ready", null);
            return ready != null && ready.statusCode() == 200;
        });
    }

    private void hangUp() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private List<String> states() {
        List<String> states = new ArrayList<>();
        TestServer.json(get("/ready", null).body()).path("product_states")
                .forEach(s -> states.add(s.path("product_name").asText() + " " + s.path("state").asText()));
        return states;
    }

    private int slots(String product) {
        return TestServer.json(get("/v1/admin/products/" + product, token()).body()).path("slots").asInt();
    }

    private List<String> modelNames() {
        List<String> names = new ArrayList<>();
        TestServer.json(get("/v1/maas/models", token()).body()).path("models")
                .forEach(m -> names.add(m.path("product_name").asText()));
        return names;
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String token() {
        String basic = Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes());
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/oauth2/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return TestServer.json(response.body()).get("access_token").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path, String token) {
        // A request the busy server leaves unanswered is retried, not waited on for the whole await.
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private void await(BooleanSupplier condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        if (server.isAlive()) { // a JVM dumps its threads into its output on SIGQUIT: what was it waiting for?
            new ProcessBuilder("kill", "-QUIT", Long.toString(server.pid())).inheritIO().start().waitFor();
            Thread.sleep(2000);
        }
        throw new AssertionError("condition not met in time; server log:\n" + log());
    }
}
