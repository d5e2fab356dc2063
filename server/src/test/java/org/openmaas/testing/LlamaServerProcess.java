package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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

/**
 * A real llama.cpp {@code llama-server} on a free loopback port, serving one GGUF file with one thread. The binary is
 * the one {@code scripts/llama-cpp.sh tools} builds: {@code ./dev test} exports its folder as {@value #TOOLS_ENV}.
 */
public final class LlamaServerProcess implements AutoCloseable {

    public static final String TOOLS_ENV = "MAAS_LLAMA_TOOLS";

    private static final Duration START_PATIENCE = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private LlamaServerProcess(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** {@code model} in {@code slots} slots of {@code slotContext} tokens each; returns once its health route is 200. */
    public static LlamaServerProcess start(Path model, int slots, int slotContext) {
        return start(model, slots, slotContext, null);
    }

    /** The same, asking for {@code apiKey} as a bearer key on every route but {@code /health} when it is not null. */
    public static LlamaServerProcess start(Path model, int slots, int slotContext, String apiKey) {
        String tools = System.getenv(TOOLS_ENV);
        if (tools == null || tools.isBlank()) {
            throw new IllegalStateException(TOOLS_ENV + " is not set: it names the folder of llama-server, which"
                    + " `scripts/llama-cpp.sh tools` builds and prints (./dev test sets it)");
        }
        Path binary = Path.of(tools, "llama-server");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is not an executable llama-server (" + TOOLS_ENV + "=" + tools
                    + "): run scripts/llama-cpp.sh tools");
        }
        try {
            int port = freePort();
            Path log = Files.createTempFile("llama-server-", ".log");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "-m", model.toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port), "-t", "1", "-np", Integer.toString(slots),
                    "-c", Integer.toString(slots * slotContext), "--no-webui"));
            if (apiKey != null) {
                command.addAll(List.of("--api-key", apiKey));
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            LlamaServerProcess server = new LlamaServerProcess(process, URI.create("http://127.0.0.1:" + port), log);
            server.awaitHealthy();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Whether any slot is generating now, from {@code GET /slots}. */
    public boolean anySlotProcessing() {
        for (JsonNode slot : TestServer.json(get("/slots").body())) {
            if (slot.path("is_processing").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code POST path} with a JSON body. */
    public HttpResponse<String> post(String path, String json) {
        try {
            return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ends the process at once, as {@code kill -9} does: for tests of an upstream that dies mid-stream. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitHealthy() {
        Instant deadline = Instant.now().plus(START_PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("llama-server exited with " + process.exitValue() + ": " + logText());
            }
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("llama-server was not healthy within " + START_PATIENCE + ": " + logText());
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a temp file left behind
        }
    }
}
