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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * {@code ./maas serve} with a catalog of remote products only maps no llama.cpp library into its process (read from
 * {@code /proc/PID/maps}), while one with a local model does: the remote path never touches the embedded engine.
 */
class RemoteOnlyCatalogIT {

    static final Path ROOT = Path.of(System.getProperty("openmaas.projectRoot", ".."));

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aCatalogOfRemoteProductsOnlyLoadsNoNativeLibrary() throws Exception {
        Path catalog = Files.writeString(dir.resolve("remote.yaml"), """
                products:
                  - product_name: maas-model-remote
                    model_name: meta-llama/Meta-Llama-3.1-8B-Instruct
                    context_length: 8192
                    engine: {type: llama-server, endpoints: ["http://127.0.0.1:9"]}
                """);

        List<String> libraries = nativeLibrariesOfAServerWith("--catalog", catalog.toString());

        assertThat(libraries).noneMatch(l -> l.contains("llama"));
    }

    @Test
    void aLocalModelDoesLoadIt() throws Exception {
        List<String> libraries = nativeLibrariesOfAServerWith("--model", TestModels.tiny().getFirst().toString());

        assertThat(libraries).anyMatch(l -> l.contains("llama"));
    }

    /** The shared objects a ready {@code maas serve} with {@code args} has mapped; also checks /ready's engines. */
    private List<String> nativeLibrariesOfAServerWith(String... args) throws Exception {
        int port = freePort();
        Path log = dir.resolve("serve.log");
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("maas").toString(), "serve",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString()));
        command.addAll(List.of(args));
        ProcessBuilder serve = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        serve.environment().remove("MAAS_DB_URL");
        Process process = serve.start();
        try {
            JsonNode ready = awaitReady(port, process, log);
            boolean remote = List.of(args).contains("--catalog");
            assertThat(ready.path("engines")).hasSize(remote ? 1 : 0);
            // ./maas execs java: the script's pid is the JVM's.
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "maps")).stream()
                    .filter(line -> line.contains(".so")).map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .distinct().toList();
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private JsonNode awaitReady(int port, Process server, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("maas serve exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return TestServer.json(response.body());
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("maas serve was not ready in time: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
