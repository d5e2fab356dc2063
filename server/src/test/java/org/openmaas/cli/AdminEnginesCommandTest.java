package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.catalog.RemoteEngineConfig;
import org.openmaas.catalog.UpstreamType;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.remote.AttemptRequest;
import org.openmaas.engine.remote.RemoteEngine;
import org.openmaas.engine.remote.Upstream;
import org.openmaas.engine.remote.UpstreamException;
import org.openmaas.engine.remote.UpstreamFailure;
import org.openmaas.engine.remote.UpstreamListener;
import org.openmaas.testing.Await;
import org.openmaas.testing.TestServer;
import org.openmaas.engine.remote.UpstreamTimeouts;

/** {@code maas admin engines}: each endpoint of a product served elsewhere, as a table and as the server's JSON. */
class AdminEnginesCommandTest {

    private static final URI UP = URI.create("http://gpu-up:8080");
    private static final URI GONE = URI.create("http://gpu-gone:8080");

    /** Endpoints whose health checks the test decides; this test starts no generation. */
    private static final Upstream HEALTH_ONLY = new Upstream() {
        @Override
        public void requireSupported(GenerationRequest request) {
        }

        @Override
        public ToolCalling toolCalling(List<URI> endpoints) {
            return new ToolCalling.Refused("takes no tools in this test", true);
        }

        @Override
        public boolean continuesFromTokenIds() {
            return true;
        }

        @Override
        public void probe(URI endpoint) throws UpstreamException {
            if (endpoint.equals(GONE)) {
                throw new UpstreamException(new UpstreamFailure.Unreachable("connection refused"));
            }
        }

        @Override
        public Attempt start(URI endpoint, AttemptRequest request, UpstreamListener listener) {
            throw new AssertionError("no generation in this test");
        }
    };

    static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws InterruptedException {
        RemoteEngine engine = RemoteEngine.start("maas-model-remote", new ModelInfo("remote", 4096, Integer.MAX_VALUE,
                true), List.of(UP, GONE), HEALTH_ONLY, RemoteEngine.Settings.of(8, 16));
        server = TestServer.serving(TestServer.remoteProduct("maas-model-remote", new RemoteEngineConfig(
                UpstreamType.VLLM, List.of(UP, GONE), "remote", Optional.empty(), 8, Optional.empty(),
                Optional.empty(), UpstreamTimeouts.DEFAULTS), engine));
        Await.until(() -> engine.endpoints().get(1).lastError().isPresent()); // the first health check has run
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theTableShowsEachEndpointsStateAndLoad() {
        Cli.Run listed = admin("engines");

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        List<String> lines = listed.out().lines().toList();
        assertThat(lines.getFirst()).contains("PRODUCT", "TYPE", "ENDPOINT", "STATE", "IN FLIGHT", "MAX", "ERRORS",
                "LAST ERROR");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("maas-model-remote", "vllm", "http://gpu-up:8080", "healthy");
        assertThat(lines.get(2)).contains("http://gpu-gone:8080", "down", "connection refused");
    }

    @Test
    void jsonPrintsTheServersAnswer() throws Exception {
        Cli.Run listed = admin("engines", "--json");

        JsonNode endpoints = TestServer.JSON.readTree(listed.out()).path("engines").get(0).path("endpoints");
        assertThat(endpoints).hasSize(2);
        assertThat(endpoints.get(0).path("max_concurrent").asInt()).isEqualTo(8);
        assertThat(endpoints.get(1).path("state").asText()).isEqualTo("down");
    }

    private Cli.Run admin(String... args) {
        List<String> all = new ArrayList<>(List.of("admin"));
        all.addAll(List.of(args));
        all.addAll(List.of("--base-url", server.uri("/v1/maas").toString(), "--client-id", TestServer.CLIENT_ID,
                "--client-secret", TestServer.CLIENT_SECRET));
        return Cli.run(Cli.environment(dir.resolve("config.json")), all.toArray(String[]::new));
    }
}
