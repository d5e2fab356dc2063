package org.openmaas.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.LoopbackHub;

class HubClientTest {

    private static final byte[] GGUF = ("GGUF\u0003\u0000\u0000\u0000 a small pretend model, long enough to be cut "
            + "into several pieces by a dropped connection").getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private LoopbackHub hub;
    private final List<Transfer> finished = new CopyOnWriteArrayList<>();
    private HubClient client;

    @BeforeEach
    void startHub() throws IOException {
        hub = new LoopbackHub();
        client = HubClient.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString()), (transfer, done) -> {
            if (done) {
                finished.add(transfer);
            }
        });
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void downloadsAFileThroughTheHubsRedirectAndChecksItsSha() throws IOException {
        hub.put("ggml-org/models", "tinyllamas/stories260K.gguf", GGUF);
        Path target = dir.resolve("models/stories260K.gguf");

        HubClient.Download download = client.download("ggml-org/models", "tinyllamas/stories260K.gguf", target);

        assertThat(target).hasBinaryContent(GGUF);
        assertThat(download.sha256()).isEqualTo(LoopbackHub.sha256(GGUF));
        assertThat(download.verified()).isTrue();
        assertThat(finished).singleElement().satisfies(t -> {
            assertThat(t.done()).isEqualTo(GGUF.length);
            assertThat(t.total()).isEqualTo(GGUF.length);
        });
        assertThat(dir.resolve("models/stories260K.gguf.part")).doesNotExist();
    }

    @Test
    void aTransferThatBreaksOffIsResumedWithARangeRequestInTheSameCall() throws IOException {
        hub.put("o/r", "m.gguf", GGUF);
        hub.breakTransfers(1, 10);
        Path target = dir.resolve("m.gguf");

        HubClient.Download download = client.download("o/r", "m.gguf", target);

        assertThat(target).hasBinaryContent(GGUF);
        assertThat(download.verified()).isTrue();
        assertThat(hub.cdnRequests()).containsExactly("whole", "bytes=10-");
    }

    @Test
    void aTransferThatKeepsBreakingOffKeepsItsPartAndTheNextRunAsksOnlyForTheRest() throws IOException {
        hub.put("o/r", "m.gguf", GGUF);
        hub.breakTransfers(HubClient.ATTEMPTS, 8);
        Path target = dir.resolve("m.gguf");
        Path part = dir.resolve("m.gguf.part");

        assertThatThrownBy(() -> client.download("o/r", "m.gguf", target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("broke off after 24 of " + GGUF.length + " bytes")
                .hasMessageContaining("m.gguf.part keeps them and the next try resumes from there");
        assertThat(target).doesNotExist();
        assertThat(part).hasBinaryContent(Arrays.copyOf(GGUF, 24));

        HubClient.Download download = client.download("o/r", "m.gguf", target);

        assertThat(target).hasBinaryContent(GGUF);
        assertThat(download.resumedFrom()).isEqualTo(24);
        assertThat(hub.cdnRequests()).containsExactly("whole", "bytes=8-", "bytes=16-", "bytes=24-");
        assertThat(part).doesNotExist();
    }

    @Test
    void aTransferThatStallsIsGivenUpAfterTheStallTimeoutAndResumed() throws IOException {
        hub.put("o/r", "m.gguf", GGUF);
        hub.stallTransfers(1, 10);
        HubClient impatient = new HubClient(hub.endpoint(), Optional.empty(), TransferListener.SILENT,
                java.time.Duration.ofMillis(300));

        impatient.download("o/r", "m.gguf", dir.resolve("m.gguf"));

        assertThat(dir.resolve("m.gguf")).hasBinaryContent(GGUF);
        assertThat(hub.cdnRequests()).containsExactly("whole", "bytes=10-");
    }

    @Test
    void aPartLeftByAnotherVersionOfTheFileIsFetchedAgainWhole() throws IOException {
        hub.put("o/r", "m.gguf", GGUF);
        Files.write(dir.resolve("m.gguf.part"), "GGUF from an older upload".getBytes(StandardCharsets.US_ASCII));

        HubClient.Download download = client.download("o/r", "m.gguf", dir.resolve("m.gguf"));

        assertThat(dir.resolve("m.gguf")).hasBinaryContent(GGUF);
        assertThat(download.resumedFrom()).isZero();
        assertThat(hub.cdnRequests()).containsExactly("bytes=25-", "whole");
    }

    @Test
    void aPartAsLongAsTheFileIsCheckedWithoutFetchingAnything() throws IOException {
        hub.put("o/r", "m.gguf", GGUF);
        Files.write(dir.resolve("m.gguf.part"), GGUF);

        HubClient.Download download = client.download("o/r", "m.gguf", dir.resolve("m.gguf"));

        assertThat(download.resumedFrom()).isEqualTo(GGUF.length);
        assertThat(hub.cdnRequests()).isEmpty();
        assertThat(dir.resolve("m.gguf")).hasBinaryContent(GGUF);
    }

    @Test
    void theTokenReachesTheHubButNeverTheCdnItRedirectsTo() throws IOException {
        hub.put("o/gated", "m.gguf", GGUF);
        HubClient withToken = HubClient.fromEnvironment(
                Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_TOKEN", "hf_secret"), TransferListener.SILENT);

        withToken.download("o/gated", "m.gguf", dir.resolve("m.gguf"));

        assertThat(hub.cdnRequests()).containsExactly("whole");
    }

    @Test
    void aFileWhoseShaDiffersFromTheAnnouncedOneIsDiscarded() {
        hub.put("ggml-org/models", "m.gguf", GGUF, "0".repeat(64));
        Path target = dir.resolve("m.gguf");

        assertThatThrownBy(() -> client.download("ggml-org/models", "m.gguf", target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has SHA-256 " + LoopbackHub.sha256(GGUF) + " but the hub announced " + "0".repeat(64));
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("m.gguf.part")).doesNotExist();
    }

    @Test
    void aFileThatIsNotGgufIsDiscarded() {
        hub.put("o/r", "m.gguf", "<html>login</html>".getBytes(StandardCharsets.US_ASCII));
        Path target = dir.resolve("m.gguf");

        assertThatThrownBy(() -> client.download("o/r", "m.gguf", target)).hasMessageContaining("not a GGUF file");
        assertThat(target).doesNotExist();
    }

    @Test
    void aMissingFileSaysWhichUrlAnswered404AndThatAPrivateOneNeedsHfToken() {
        assertThatThrownBy(() -> client.download("o/r", "missing.gguf", dir.resolve("x.gguf")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/o/r/resolve/main/missing.gguf answered HTTP 404 (the hub has no such file, "
                        + "or it is private and needs HF_TOKEN)");
    }

    @Test
    void anUnreachableHubIsAnIoError() {
        HubClient offline = new HubClient(URI.create("http://127.0.0.1:1"), Optional.empty(), TransferListener.SILENT);

        assertThatThrownBy(() -> offline.download("o/r", "m.gguf", dir.resolve("m.gguf"))).isInstanceOf(IOException.class);
        assertThat(dir.resolve("m.gguf")).doesNotExist();
    }

    @Test
    void filesListsARepositoryThroughTheTreeApiFollowingItsPages() throws IOException {
        byte[] readme = "# a model".getBytes(StandardCharsets.US_ASCII);
        hub.put("o/r", "README.md", readme);
        hub.put("o/r", "m-Q4_K_M.gguf", GGUF);
        hub.put("o/r", "fp16/m-F16.gguf", GGUF);
        hub.pageSize(2);

        List<RepoFile> files = client.files("o/r");

        assertThat(files).containsExactly(
                new RepoFile("README.md", readme.length, Optional.empty()),
                new RepoFile("fp16/m-F16.gguf", GGUF.length, Optional.of(LoopbackHub.sha256(GGUF))),
                new RepoFile("m-Q4_K_M.gguf", GGUF.length, Optional.of(LoopbackHub.sha256(GGUF))));
    }

    @Test
    void anUnknownRepositoryIsNamedWithTheHubsAnswer() {
        assertThatThrownBy(() -> client.files("nobody/nothing"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/api/models/nobody/nothing/tree/main?recursive=true answered HTTP 404 "
                        + "(the hub has no such repository nobody/nothing, or it is private and needs HF_TOKEN)");
    }

    @Test
    void aTransferLineSaysBytesRateAndTimeLeft() {
        Transfer transfer = new Transfer("m.gguf", 1536L << 20, 4096L << 20, 0, java.time.Duration.ofSeconds(10));

        assertThat(transfer.line()).isEqualTo("m.gguf  1.5 GiB / 4.0 GiB  37%  153.6 MiB/s  ETA 0:17");
    }

    @Test
    void aResumedTransfersRateCountsOnlyTheBytesOfThisAttempt() {
        Transfer transfer = new Transfer("m.gguf", 3 << 20, 4 << 20, 2 << 20, java.time.Duration.ofSeconds(2));

        assertThat(transfer.bytesPerSecond()).isEqualTo(512 << 10);
        assertThat(transfer.remaining()).contains(java.time.Duration.ofSeconds(2));
    }
}
