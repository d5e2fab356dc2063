package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.api.CorsOrigins;
import org.openmaas.api.TrustedProxies;
import org.openmaas.engine.llamacpp.KvCacheType;
import org.openmaas.engine.llamacpp.MemoryEstimate;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.GgufValue;
import org.openmaas.gguf.GgufWriter;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** A product whose model cannot load stops the start, naming the product and why (without {@code --allow-partial}). */
class ModelLoadFailureTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.gguf");

        assertThatThrownBy(() -> TestServer.serving(List.of(missing)))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("product maas-model-missing cannot load its model " + missing + ": ")
                .hasMessageContaining("there is no file " + missing.toAbsolutePath())
                .hasMessageContaining("--allow-partial");
    }

    @Test
    void aDirectoryIsNamedAsOne() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("weights.gguf"));

        assertThatThrownBy(() -> TestServer.serving(List.of(directory)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("product maas-model-weights")
                .hasMessageContaining(directory + " is a directory, not a GGUF file");
    }

    @Test
    void aFileThatIsNoGgufSaysTheBytesItStartsWith() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "hello, not a model");

        assertThatThrownBy(() -> TestServer.serving(List.of(text)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("product maas-model-notes")
                .hasMessageContaining("is not a GGUF file: it starts with bytes 68 65 6c 6c, not \"GGUF\"");
    }

    @Test
    void anHubReferenceThatCannotBeDownloadedSaysTheReferenceAndTheCause() throws IOException {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                products:
                  - product_name: maas-model-offline
                    model: hf://ggml-org/models/tinyllamas/stories260K.gguf
                """);

        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        assertThatThrownBy(() -> TestServer.start(List.of(), Optional.of(catalog),
                Map.of("HF_ENDPOINT", "http://127.0.0.1:1"), Clock.systemUTC()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("product maas-model-offline cannot load its model "
                        + "hf://ggml-org/models/tinyllamas/stories260K.gguf: cannot download it from "
                        + "http://127.0.0.1:1/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf: ")
                .hasMessageContaining("ConnectException")
                .message().doesNotContain("null").containsOnlyOnce("ConnectException");
    }

    @Test
    void theStartThatFailsLeavesNothingListening() throws IOException {
        Path missing = dir.resolve("missing.gguf");
        Path data = dir.resolve("data");

        assertThatThrownBy(() -> TestServer.startIn(data, List.of(missing), Optional.empty(), Map.of(),
                Clock.systemUTC())).isInstanceOf(StartupException.class);

        // The same data directory starts again: its embedded store was closed, not left locked.
        try (TestServer again = TestServer.startIn(data, List.of(), Optional.empty(),
                Map.of("HF_ENDPOINT", "http://127.0.0.1:1"), Clock.systemUTC())) {
            assertThat(again.server().port()).isPositive();
        }
    }

    @Test
    void anArchitectureThisLlamaCppDoesNotKnowIsNamedWithTheBuildThatRefusedIt() throws IOException {
        // A header llama.cpp reads up to its architecture: no tensor is needed to be refused there.
        Path future = dir.resolve("future.gguf");
        new GgufWriter().put("general.architecture", new GgufValue.Text("openmaas-future")).write(future);

        assertThatThrownBy(() -> TestServer.serving(List.of(future)))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("product maas-model-future cannot load its model " + future + ": ")
                .hasMessageContaining(future + " has the architecture 'openmaas-future' (its general.architecture), "
                        + "which this llama.cpp build (libllama ")
                .hasMessageContaining(".so) does not support");
    }

    @Test
    void aModelThatDoesNotFitTheAvailableMemoryIsRefusedWithTheEstimateAndWhatToDo() {
        Path model = TestModels.generated(RandomLlama.Spec.tiny());
        ModelLoader loader = new ModelLoader(config(List.of(model), false), () -> OptionalLong.of(100 * 1024));

        assertThatThrownBy(loader::check)
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("product maas-model-" + model.getFileName().toString().replace(".gguf", "")
                        + " cannot load its model " + model + ": not enough memory: it needs an estimated ")
                .hasMessageContaining(" but 0.1 MiB is available (MemAvailable in /proc/meminfo); a smaller "
                        + "context_length (--context-length), fewer slots (--slots), kv_cache_type q8_0")
                .hasMessageContaining("--allow-partial");
    }

    @Test
    void withAllowPartialAModelThatDoesNotFitIsLeftOutAndTheOthersPass() throws IOException {
        Path model = TestModels.generated(RandomLlama.Spec.tiny());
        long needs = MemoryEstimate.of(GgufReader.read(model), 0, 1, KvCacheType.F16).totalBytes();
        Path copy = Files.copy(model, dir.resolve("second.gguf"));
        // Room for one of the two: the second is refused because the first takes its share.
        ModelLoader loader = new ModelLoader(config(List.of(model, copy), true),
                () -> OptionalLong.of(needs + needs / 2));

        assertThat(loader.check()).extracting(ModelLoader.Checked::file).containsExactly(model);
    }

    @Test
    void aStartThatFailsOnItsModelLeavesTheDataDirectoryAsItWas() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("notes.txt"), "the operator's");
        Path text = Files.writeString(dir.resolve("notes.gguf"), "hello, not a model");

        assertThatThrownBy(() -> TestServer.startIn(data, List.of(text), Optional.empty(), Map.of(),
                Clock.systemUTC())).isInstanceOf(StartupException.class);

        // No store, no signing key, no bootstrap-credentials.json, no first account: the next start is the first.
        try (var files = Files.list(data)) {
            assertThat(files).containsExactly(data.resolve("notes.txt"));
        }
    }

    private ServerConfig config(List<Path> models, boolean allowPartial) {
        return new ServerConfig("127.0.0.1", 0, dir.resolve("data"), models, Optional.empty(), 1, Duration.ofSeconds(1),
                Map.of(), Clock.systemUTC(), Optional.empty(), TrustedProxies.NONE, allowPartial, CorsOrigins.NONE,
                ServerConfig.ModelFlags.DEFAULTS, Optional.empty(), 0);
    }
}
