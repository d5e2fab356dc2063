package org.openmaas.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.LoopbackHub;

class HubClientTest {

    private static final byte[] GGUF = "GGUF\u0003\u0000\u0000\u0000 a small pretend model".getBytes();

    @TempDir
    Path dir;

    private LoopbackHub hub;
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
    private HubClient client;

    @BeforeEach
    void startHub() throws IOException {
        hub = new LoopbackHub();
        client = HubClient.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString()), new PrintStream(progress));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void downloadsAFileThroughTheHubsRedirectAndChecksItsSha() throws IOException {
        hub.put("ggml-org/models", "tinyllamas/stories260K.gguf", GGUF);
        Path target = dir.resolve("models/stories260K.gguf");

        client.download("ggml-org/models", "tinyllamas/stories260K.gguf", target);

        assertThat(target).hasBinaryContent(GGUF);
        assertThat(progress.toString()).contains("downloading").contains("100%");
    }

    @Test
    void aFileWhoseShaDiffersFromTheAnnouncedOneIsDiscarded() {
        hub.put("ggml-org/models", "m.gguf", GGUF, "0".repeat(64));
        Path target = dir.resolve("m.gguf");

        assertThatThrownBy(() -> client.download("ggml-org/models", "m.gguf", target))
                .isInstanceOf(IOException.class).hasMessageContaining("SHA-256");
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("m.gguf.part")).doesNotExist();
    }

    @Test
    void aFileThatIsNotGgufIsDiscarded() {
        hub.put("o/r", "m.gguf", "<html>login</html>".getBytes());
        Path target = dir.resolve("m.gguf");

        assertThatThrownBy(() -> client.download("o/r", "m.gguf", target)).hasMessageContaining("not a GGUF file");
        assertThat(target).doesNotExist();
    }

    @Test
    void aMissingFileSaysWhichUrlAnswered404() {
        assertThatThrownBy(() -> client.download("o/r", "missing.gguf", dir.resolve("x.gguf")))
                .isInstanceOf(IOException.class).hasMessageContaining("/o/r/resolve/main/missing.gguf answered HTTP 404");
    }

    @Test
    void anUnreachableHubIsAnIoError() {
        HubClient offline = new HubClient(java.net.URI.create("http://127.0.0.1:1"), Optional.empty(),
                new PrintStream(progress));

        assertThatThrownBy(() -> offline.download("o/r", "m.gguf", dir.resolve("m.gguf"))).isInstanceOf(IOException.class);
        assertThat(Files.exists(dir.resolve("m.gguf"))).isFalse();
    }
}
