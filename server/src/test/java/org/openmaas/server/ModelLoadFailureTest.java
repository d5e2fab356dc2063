package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
