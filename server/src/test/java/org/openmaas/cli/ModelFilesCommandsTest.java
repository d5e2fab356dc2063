package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.gguf.TensorType;
import org.openmaas.hub.Transfer;
import org.openmaas.testing.LoopbackHub;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;
import picocli.CommandLine;

/** {@code maas pull}, {@code maas models --local} and {@code maas rm}: the models folder, with a loopback hub. */
class ModelFilesCommandsTest {

    private static final byte[] Q8 = bytes(TestModels.generated(RandomLlama.Spec.tiny().withName("tiny-q8")
            .withType(TensorType.Q8_0).withChatTemplate("chatml")));
    private static final byte[] F32 = bytes(TestModels.generated(RandomLlama.Spec.tiny().withName("tiny-f32")));

    @TempDir
    Path dataDir;

    private LoopbackHub hub;
    private Map<String, String> env;

    @BeforeEach
    void startHub() throws IOException {
        hub = new LoopbackHub();
        hub.put("someone/Tiny-GGUF", "README.md", "# Tiny".getBytes(StandardCharsets.US_ASCII));
        hub.put("someone/Tiny-GGUF", "Tiny-Q8_0.gguf", Q8);
        hub.put("someone/Tiny-GGUF", "Tiny-F32.gguf", F32);
        env = Map.of("HF_ENDPOINT", hub.endpoint().toString());
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    // ---- pull

    @Test
    void pullOfARepositoryAndQuantizationFetchesTheFileCarryingItIntoTheModelsFolder() {
        Cli.Run run = run("pull", "someone/Tiny-GGUF:Q8_0");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Path file = dataDir.resolve("models/Tiny-Q8_0.gguf");
        assertThat(file).hasBinaryContent(Q8);
        assertThat(run.out()).isEqualTo("pulled someone/Tiny-GGUF/Tiny-Q8_0.gguf into " + file + " (" + Q8.length
                + " bytes; SHA-256 " + LoopbackHub.sha256(Q8) + " matches the hub's)" + System.lineSeparator());
    }

    @Test
    void pullOfAnHfUrlFetchesThatFile() {
        Cli.Run run = run("pull", "hf://someone/Tiny-GGUF/Tiny-F32.gguf");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(dataDir.resolve("models/Tiny-F32.gguf")).hasBinaryContent(F32);
    }

    @Test
    void aPullThatBreaksOffKeepsWhatItHadAndTheNextPullResumesThere() {
        hub.breakTransfers(3, 1000);

        Cli.Run broken = run("pull", "someone/Tiny-GGUF:Q8_0");

        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).contains("maas pull: the download of ", " broke off after 3000 of " + Q8.length + " bytes",
                "Tiny-Q8_0.gguf.part keeps them and the next try resumes from there");
        assertThat(run("models", "--local").out()).containsPattern(
                "Tiny-Q8_0.gguf.part +2.9 KiB +- +- +- +- +an unfinished download: maas pull resumes it");

        Cli.Run resumed = run("pull", "someone/Tiny-GGUF:Q8_0");

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("(" + Q8.length + " bytes, 3000 of them kept from an earlier pull; SHA-256 ");
        assertThat(dataDir.resolve("models/Tiny-Q8_0.gguf")).hasBinaryContent(Q8);
        assertThat(dataDir.resolve("models/Tiny-Q8_0.gguf.part")).doesNotExist();
    }

    @Test
    void aRepositoryOfSeveralGgufsWantsAQuantizationAndListsThem() {
        Cli.Run run = run("pull", "someone/Tiny-GGUF");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas pull: someone/Tiny-GGUF: it holds 2 GGUF files; name one with "
                + "someone/Tiny-GGUF:QUANT; its GGUF files: Tiny-F32.gguf (" + size(F32) + "), Tiny-Q8_0.gguf ("
                + size(Q8) + ")" + System.lineSeparator());
        assertThat(dataDir.resolve("models")).doesNotExist();
    }

    @Test
    void aFileAlreadyInTheFolderIsNotFetchedAgain() {
        run("pull", "someone/Tiny-GGUF:F32");

        Cli.Run again = run("pull", "someone/Tiny-GGUF:F32");

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("Tiny-F32.gguf is already here", "'maas rm Tiny-F32.gguf' first to pull it again");
        assertThat(hub.downloads()).isEqualTo(1);
    }

    @Test
    void anUnknownRepositoryEndsWithTheHubsAnswer() {
        Cli.Run run = run("pull", "nobody/Nothing-GGUF:Q4_K_M");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("maas pull: " + hub.endpoint() + "/api/models/nobody/Nothing-GGUF/tree/main")
                .contains("answered HTTP 404").hasLineCount(1);
    }

    // ---- models --local

    @Test
    void modelsLocalReadsEachFilesHeaderAndSaysWhyAFileIsNoModel() throws IOException {
        Path models = Files.createDirectories(dataDir.resolve("models"));
        Files.write(models.resolve("tiny-q8.gguf"), Q8);
        Files.write(models.resolve("tiny-f32.gguf"), F32);
        Files.writeString(models.resolve("notes.txt"), "not a model");

        Cli.Run run = run("models", "--local");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("NAME +SIZE +ARCHITECTURE +QUANTIZATION +CONTEXT +CHAT TEMPLATE +PROBLEM");
        assertThat(lines.get(1)).matches("notes.txt +11 B +- +- +- +- +notes.txt is not a GGUF file: it starts with "
                + "bytes 6e 6f 74 20, not \"GGUF\"");
        assertThat(lines.get(2)).matches("tiny-f32.gguf +" + Pattern.quote(size(F32)) + " +llama +F32 +512 +no +-");
        assertThat(lines.get(3)).matches("tiny-q8.gguf +" + Pattern.quote(size(Q8)) + " +llama +Q8_0 +512 +yes +-");
    }

    @Test
    void theTableReachesStandardOutputWithoutTheCallerFlushing() throws IOException {
        Files.createDirectories(dataDir.resolve("models"));
        Files.write(dataDir.resolve("models/tiny-f32.gguf"), F32);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        CommandLine maas = Main.commandLine(env);
        maas.setOut(new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true)); // buffered, as System.out's

        maas.execute("models", "--local", "--data-dir", dataDir.toString());

        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("tiny-f32.gguf");
    }

    @Test
    void modelsLocalJsonGivesEveryFieldByName() throws IOException {
        Path models = Files.createDirectories(dataDir.resolve("models"));
        Files.write(models.resolve("tiny-q8.gguf"), Q8);

        JsonNode json = TestServer.json(run("models", "--local", "--json").out());

        assertThat(json.get("models_dir").asText()).isEqualTo(models.toString());
        JsonNode model = json.get("models").get(0);
        assertThat(model.get("name").asText()).isEqualTo("tiny-q8.gguf");
        assertThat(model.get("size_bytes").asLong()).isEqualTo(Q8.length);
        assertThat(model.get("architecture").asText()).isEqualTo("llama");
        assertThat(model.get("quantization").asText()).isEqualTo("Q8_0");
        assertThat(model.get("context_length").asInt()).isEqualTo(512);
        assertThat(model.get("chat_template").asBoolean()).isTrue();
        assertThat(model.get("model_name").asText()).isEqualTo("tiny-q8");
        assertThat(model.get("problem").isNull()).isTrue();
    }

    @Test
    void modelsLocalOfAnEmptyFolderSaysHowToFillIt() {
        Cli.Run run = run("models", "--local");

        assertThat(run.out()).isEqualTo("No models in " + dataDir.resolve("models") + "; 'maas pull owner/repo:QUANT' "
                + "fetches one." + System.lineSeparator());
    }

    // ---- rm

    @Test
    void rmDeletesAModelNamedWithOrWithoutItsGguf() throws IOException {
        Path models = Files.createDirectories(dataDir.resolve("models"));
        Files.write(models.resolve("a.gguf"), F32);
        Files.write(models.resolve("b.gguf"), F32);

        assertThat(run("rm", "a.gguf").out()).isEqualTo("deleted " + models.resolve("a.gguf") + System.lineSeparator());
        assertThat(run("rm", "b").exitCode()).isZero();
        assertThat(models).isEmptyDirectory();
    }

    @Test
    void rmOfAModelThatIsNotThereListsWhatIs() throws IOException {
        Path models = Files.createDirectories(dataDir.resolve("models"));
        Files.write(models.resolve("a.gguf"), F32);

        Cli.Run run = run("rm", "c");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas rm: there is no model 'c' in " + models + "; it holds a.gguf"
                + System.lineSeparator());
    }

    @Test
    void rmTakesOnlyNamesInsideTheFolder() throws IOException {
        Files.write(dataDir.resolve("outside.gguf"), F32);

        Cli.Run run = run("rm", "../outside.gguf");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas rm: '../outside.gguf' is not a file name inside " + dataDir.resolve("models")
                + System.lineSeparator());
        assertThat(dataDir.resolve("outside.gguf")).exists();
    }

    private Cli.Run run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dataDir.toString();
        return Cli.run(env, all);
    }

    private static String size(byte[] file) {
        return Transfer.size(file.length);
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
