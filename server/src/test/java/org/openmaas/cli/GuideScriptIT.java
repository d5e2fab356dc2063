package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.GuideScript;
import org.openmaas.testing.TestModels;

/**
 * The guide's "Complete Python Workflow Script", unchanged but for its five globals, against {@code ./maas serve}
 * started as a user would start it, with bootstrap credentials from the environment.
 */
class GuideScriptIT {

    static final String ACCOUNT = "246813579024";
    static final String CLIENT_ID = "guide-client";
    static final String CLIENT_SECRET = "guide-secret-0123456789";
    static final Path ROOT = Path.of(System.getProperty("openmaas.projectRoot", ".."));

    @TempDir
    Path dir;

    @Test
    void theGuidesScriptPrintsGeneratedTextForTheServedModel() throws Exception {
        Path model = TestModels.tiny().getFirst();

        String output = runGuideAgainst(List.of("--model", model.toString()));

        assertThat(output).contains("Authentication successful").contains("Found 1 available models:");
        assertGenerationsSucceeded(output, 1);
    }

    @Test
    void theGuidesScriptWorksAgainstTheGuidesFiveProducts() throws Exception {
        Path model = TestModels.tiny().getFirst();
        Path catalog = dir.resolve("catalog.yaml");
        StringBuilder yaml = new StringBuilder("products:\n");
        for (String[] p : new String[][]{
                {"maas-model-qwen-2.5-coder-32b", "97a75a6d-7eb4-40c9-894b-8e9f5924b555", "Qwen/Qwen2.5-Coder-32B-Instruct"},
                {"maas-model-qwen-2.5-32b", "0a0bffe9-2f62-4ebb-8aee-118ede22b816", "Qwen/Qwen2.5-32B-Instruct"},
                {"maas-model-llama-3.1-8b", "ba5d2874-dc83-425e-af98-c810f11dad79", "meta-llama/Meta-Llama-3.1-8B-Instruct"},
                {"maas-model-llama-3.1-70b", "8d728109-0fb2-46c7-a406-1113634d72ab", "meta-llama/Meta-Llama-3.1-70B-Instruct"},
                {"maas-model-mistral-7b-v0.1", "269c3034-e6c7-4359-9e77-c3efedfaa778", "mistralai/Mistral-7B-Instruct-v0.1"}}) {
            yaml.append("  - product_name: ").append(p[0]).append("\n    product_id: ").append(p[1])
                    .append("\n    model_name: ").append(p[2]).append("\n    model: ").append(model).append('\n');
        }
        Files.writeString(catalog, yaml);

        String output = runGuideAgainst(List.of("--catalog", catalog.toString()));

        assertThat(output).contains("Found 5 available models:").contains("Product Name: maas-model-mistral-7b-v0.1")
                .contains("Product ID: 269c3034-e6c7-4359-9e77-c3efedfaa778");
        assertGenerationsSucceeded(output, 5);
    }

    private static void assertGenerationsSucceeded(String output, int models) {
        assertThat(output).doesNotContain("✗").doesNotContain("failed").doesNotContain("Traceback");
        assertThat(Pattern.compile("Completion Details:").matcher(output).results().count()).isEqualTo(models);
        assertThat(output).contains("- Finish reason: FINISH_REASON_").contains("- Seed: ");
        // Every "Response:" is followed by generated text before the next section (the text may start with a newline).
        String[] responses = output.split("Response:\n", -1);
        assertThat(responses).hasSize(models + 3 + 1);
        for (int i = 1; i < responses.length; i++) {
            String text = responses[i].split("\n\nCompletion Details:|\nTesting with parameters:|\nTesting ", 2)[0];
            assertThat(text).as("text after Response: number %d", i).isNotBlank();
        }
    }

    private String runGuideAgainst(List<String> serveArgs) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("maas").toString(), "serve", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString()));
        command.addAll(serveArgs);
        ProcessBuilder serve = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        serve.environment().put("MAAS_BOOTSTRAP_CLOUD_ACCOUNT", ACCOUNT);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_ID", CLIENT_ID);
        serve.environment().put("MAAS_BOOTSTRAP_CLIENT_SECRET", CLIENT_SECRET);
        Process server = serve.start();
        try {
            awaitReady(port, server);
            return GuideScript.run(dir, GuideScript.pointedAt("http://127.0.0.1:" + port, ACCOUNT, CLIENT_ID,
                    CLIENT_SECRET));
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private void awaitReady(int port, Process server) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3)); // includes building the jar if it is stale
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("maas serve exited: " + Files.readString(dir.resolve("server.log")));
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("maas serve was not ready in time: " + Files.readString(dir.resolve("server.log")));
    }
}
