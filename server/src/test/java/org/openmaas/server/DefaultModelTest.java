package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.LoopbackHub;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** What {@code maas serve} serves when it is given no model. */
class DefaultModelTest {

    @TempDir
    Path dataDir;

    @Test
    void withNoModelItDownloadsStories260kFromTheHubAtHfEndpointAndServesIt() throws IOException {
        try (LoopbackHub hub = new LoopbackHub()) {
            hub.put(ModelLoader.DEFAULT_REPOSITORY, ModelLoader.DEFAULT_FILE, Files.readAllBytes(TestModels.tiny().getFirst()));

            try (TestServer server = TestServer.startIn(dataDir, List.of(), Optional.empty(),
                    Map.of("HF_ENDPOINT", hub.endpoint().toString()), Clock.systemUTC())) {

                assertThat(productNames(server)).containsExactly("maas-model-stories260k");
                assertThat(dataDir.resolve("models/stories260K.gguf")).exists();
                assertThat(hub.downloads()).isEqualTo(1);
                assertThat(server.stream(server.token(), server.body("Once", "{\"max_new_tokens\": 3}")).last()
                        .has("details")).isTrue();
            }
        }
    }

    @Test
    void withNoModelAndNoHubItServesAGeneratedSmokeTestModel() {
        try (TestServer server = TestServer.startIn(dataDir, List.of(), Optional.empty(),
                Map.of("HF_ENDPOINT", "http://127.0.0.1:1"), Clock.systemUTC())) {

            JsonNode model = TestServer.json(server.get("/v1/maas/models", server.token()).body()).get("models").get(0);
            assertThat(model.get("model_name").asText()).isEqualTo(SmokeTestModel.NAME);
            assertThat(dataDir.resolve("models").resolve(SmokeTestModel.FILE)).exists();
            assertThat(server.stream(server.token(), server.body("Once", "{\"max_new_tokens\": 3}")).last()
                    .has("details")).isTrue();
        }
    }

    @Test
    void theSmokeTestModelGivesWayToTheHubsModelOnceTheHubAnswers() throws IOException {
        try (TestServer offline = TestServer.startIn(dataDir, List.of(), Optional.empty(),
                Map.of("HF_ENDPOINT", "http://127.0.0.1:1"), Clock.systemUTC())) {
            assertThat(TestServer.json(offline.get("/v1/maas/models", offline.token()).body()).get("models").get(0)
                    .get("model_name").asText()).isEqualTo(SmokeTestModel.NAME);
        }
        try (LoopbackHub hub = new LoopbackHub()) {
            hub.put(ModelLoader.DEFAULT_REPOSITORY, ModelLoader.DEFAULT_FILE, Files.readAllBytes(TestModels.tiny().getFirst()));

            try (TestServer online = TestServer.startIn(dataDir, List.of(), Optional.empty(),
                    Map.of("HF_ENDPOINT", hub.endpoint().toString()), Clock.systemUTC())) {

                assertThat(productNames(online)).containsExactly("maas-model-stories260k");
                assertThat(dataDir.resolve("models").resolve(SmokeTestModel.FILE)).doesNotExist();
            }
        }
    }

    @Test
    void modelsAlreadyInTheDataDirectoryAreServedWithoutAskingTheHub() throws IOException {
        Files.createDirectories(dataDir.resolve("models"));
        RandomLlama.write(RandomLlama.Spec.tiny().withName("local-one"), dataDir.resolve("models/local-one.gguf"));
        try (LoopbackHub hub = new LoopbackHub();
             TestServer server = TestServer.startIn(dataDir, List.of(), Optional.empty(),
                     Map.of("HF_ENDPOINT", hub.endpoint().toString()), Clock.systemUTC())) {

            assertThat(productNames(server)).containsExactly("maas-model-local-one");
            assertThat(hub.downloads()).isZero();
        }
    }

    @Test
    void withAllowPartialAModelThatCannotLoadIsLeftOutAndTheOthersServe() throws IOException {
        Path broken = dataDir.resolve("broken.gguf");
        Files.writeString(broken, "GGUF but not really");

        try (TestServer server = TestServer.servingWhatLoads(List.of(broken, TestModels.tiny().getFirst()))) {

            assertThat(productNames(server)).hasSize(1).doesNotContain("maas-model-broken");
            assertThat(server.server().readiness().isReady()).isTrue();
        }
    }

    @Test
    void withAllowPartialAServerWhoseOnlyModelCannotLoadStartsButIsNotReady() throws IOException {
        Path broken = dataDir.resolve("broken.gguf");
        Files.writeString(broken, "not a model");

        try (TestServer server = TestServer.servingWhatLoads(List.of(broken))) {

            assertThat(server.get("/ready", null).statusCode()).isEqualTo(503);
            assertThat(server.get("/health", null).statusCode()).isEqualTo(200);
            assertThat(productNames(server)).isEmpty();
        }
    }

    private static List<String> productNames(TestServer server) {
        JsonNode models = TestServer.json(server.get("/v1/maas/models", server.token()).body()).get("models");
        return java.util.stream.StreamSupport.stream(models.spliterator(), false)
                .map(m -> m.get("product_name").asText()).toList();
    }
}
