package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.api.CorsOrigins;
import org.openmaas.api.TrustedProxies;
import org.openmaas.auth.Bootstrap;
import org.openmaas.console.Invitation;
import org.openmaas.console.model.User;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.gguf.GgufValue;
import org.openmaas.gguf.GgufWriter;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.server.MaasServer;
import org.openmaas.server.ServerConfig;
import org.openmaas.testing.TestModels;

/** {@code maas serve}'s flags and variables, read into the configuration the server starts with. */
class ServeCommandTest {

    @Test
    void trustedProxiesComeFromTheFlag() {
        ServerConfig config = config(Map.of(), "--trusted-proxies", "10.0.0.0/8,fd00::/8");

        assertThat(config.trustedProxies()).isEqualTo(TrustedProxies.parse("10.0.0.0/8, fd00::/8"));
    }

    @Test
    void trustedProxiesComeFromTheVariableWhenTheFlagIsNotGiven() {
        Map<String, String> env = Map.of(ServerConfig.ENV_TRUSTED_PROXIES, "192.168.0.0/16");

        assertThat(config(env).trustedProxies()).isEqualTo(TrustedProxies.parse("192.168.0.0/16"));
        assertThat(config(env, "--trusted-proxies", "10.0.0.1").trustedProxies())
                .isEqualTo(TrustedProxies.parse("10.0.0.1"));
    }

    @Test
    void withNeitherNoProxyIsTrusted() {
        assertThat(config(Map.of()).trustedProxies()).isEqualTo(TrustedProxies.NONE);
    }

    @Test
    void aMalformedProxyListStopsTheStartWithOneSentence() {
        Cli.Run run = Cli.run(Map.of(), "serve", "--trusted-proxies", "10.0.0.0/8,load-balancer");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas serve: trusted proxy 'load-balancer' is not an IPv4 or IPv6 address or "
                + "CIDR block (e.g. 10.0.0.0/8, 192.168.1.5, fd00::/8)" + System.lineSeparator());
    }

    @Test
    void corsOriginsComeFromTheFlagElseTheVariableElseNone() {
        Map<String, String> env = Map.of(ServerConfig.ENV_CORS_ORIGINS, "http://localhost:5173");

        assertThat(config(env).corsOrigins()).isEqualTo(CorsOrigins.parse("http://localhost:5173"));
        assertThat(config(env, "--cors-origins", "https://app.example.com").corsOrigins())
                .isEqualTo(CorsOrigins.parse("https://app.example.com"));
        assertThat(config(Map.of()).corsOrigins()).isEqualTo(CorsOrigins.NONE);
    }

    @Test
    void aCorsOriginWithAPathStopsTheStartWithOneSentence() {
        Cli.Run run = Cli.run(Map.of(), "serve", "--cors-origins", "https://app.example.com/");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("maas serve: CORS origin 'https://app.example.com/' is not an origin: write it "
                + "as a browser sends it, scheme://host[:port] without a path");
    }

    @Test
    void aTakenPortStopsTheStartWithOneLineBeforeAnythingIsCreated(@TempDir Path dataDir) throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = other.getLocalPort();

            Cli.Run run = Cli.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--data-dir", dataDir.resolve("data").toString());

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("maas serve: port " + port + " on 127.0.0.1 is already taken by another "
                    + "process: stop that process or choose another port with --port" + System.lineSeparator());
            assertThat(dataDir.resolve("data")).doesNotExist(); // no store, no credentials, no model download
        }
    }

    @Test
    void aModelThatCannotLoadStopsTheStartWithOneLineNamingTheProduct(@TempDir Path dataDir) {
        Path missing = dataDir.resolve("missing.gguf");

        Cli.Run run = Cli.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir",
                dataDir.resolve("data").toString(), "--model", missing.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("maas serve: product maas-model-missing cannot load its model " + missing)
                .endsWith("(--allow-partial serves the products that did load)" + System.lineSeparator())
                .hasLineCount(1);
    }

    @Test
    void aModelOfAnArchitectureLlamaCppDoesNotKnowStopsTheStartBeforeTheDataDirectoryIsCreated(@TempDir Path dir)
            throws IOException {
        Path future = dir.resolve("future.gguf");
        new GgufWriter().put("general.architecture", new GgufValue.Text("openmaas-future")).write(future);

        Cli.Run run = Cli.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir",
                dir.resolve("data").toString(), "--model", future.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("maas serve: product maas-model-future cannot load its model " + future)
                .contains("has the architecture 'openmaas-future'", "does not support")
                .hasLineCount(1);
        assertThat(dir.resolve("data")).doesNotExist(); // no store, no credentials
    }

    @Test
    void onlyTheStartThatWroteTheCredentialsFileCallsItselfTheFirst() {
        Path file = Path.of("maas-data", Bootstrap.FILE_NAME);

        assertThat(ServeCommand.announcement(new Bootstrap.Credentials("123456789012", "c", "s", Optional.of(file))))
                .contains("First start:", file.toString());
        assertThat(ServeCommand.announcement(new Bootstrap.Credentials("123456789012", "c", "s", Optional.empty())))
                .doesNotContain("First start")
                .contains("Added the API client of " + Bootstrap.ENV_CLIENT_ID, "keeps the credentials an earlier start wrote");
    }

    @Test
    void theFirstOperatorsLinkIsPrintedOnThisMachinesAddressWhenTheServerListensOnAll() {
        Invitation invitation = new Invitation(new User("user-1", "admin@localhost", null, true, false, Instant.EPOCH),
                "tok3n", Instant.parse("2026-12-07T10:00:00Z"));

        assertThat(ServeCommand.operatorAnnouncement(invitation, ServeCommand.serverRoot("0.0.0.0", 8080)))
                .contains("first operator, admin@localhost", "until 2026-12-07T10:00:00Z",
                        "http://localhost:8080/console/invite/tok3n");
        assertThat(ServeCommand.serverRoot("10.0.0.5", 9000)).isEqualTo("http://10.0.0.5:9000");
        assertThat(ServeCommand.serverRoot("::1", 8080)).isEqualTo("http://[::1]:8080");
    }

    @Test
    void theModelFlagsSetContextLengthChatTemplateAndSlotsOfTheModelFilesProducts() {
        ServerConfig config = config(Map.of(), "--model", "m.gguf", "--context-length", "256", "--chat-template",
                "chatml", "--slots", "3");

        assertThat(config.modelFlags()).isEqualTo(new ServerConfig.ModelFlags(256, Optional.of("chatml"), 3));
        assertThat(config(Map.of()).modelFlags()).isEqualTo(ServerConfig.ModelFlags.DEFAULTS);
    }

    @Test
    void aChatTemplateFlagNamingAFileTakesTheSourceFromIt(@TempDir Path dir) throws Exception {
        Path template = dir.resolve("template.jinja");
        String source = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";
        Files.writeString(template, source);

        assertThat(config(Map.of(), "--chat-template", template.toString()).modelFlags().chatTemplate()).contains(source);
        assertThat(config(Map.of(), "--chat-template", "llama3").modelFlags().chatTemplate()).contains("llama3");
    }

    @Test
    void aServerStartedWithTheModelFlagsServesItsModelSo(@TempDir Path dataDir) {
        Path chatless = TestModels.generated(RandomLlama.Spec.tiny()); // no chat template of its own
        ServerConfig config = config(Map.of(), "--host", "127.0.0.1", "--port", "0", "--threads", "1",
                "--data-dir", dataDir.toString(), "--model", chatless.toString(),
                "--context-length", "64", "--chat-template", "chatml", "--slots", "2");

        try (MaasServer server = MaasServer.start(config)) {
            CatalogEntry entry = server.catalog().entries().getFirst();
            assertThat(entry.engine().model().contextLength()).isEqualTo(64);
            assertThat(entry.engine().model().hasChatTemplate()).isTrue();
            assertThat(entry.config().slots()).isEqualTo(2);
        }
    }

    @Test
    void slotsOutsideTheirRangeStopTheStartWithOneSentence() {
        Cli.Run run = Cli.run(Map.of(), "serve", "--slots", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas serve: --slots must be between 1 and 64, got 0" + System.lineSeparator());
    }

    @Test
    void aNegativeContextLengthStopsTheStartWithOneSentence() {
        Cli.Run run = Cli.run(Map.of(), "serve", "--context-length", "-5");

        assertThat(run.err()).isEqualTo("maas serve: --context-length must be a number of tokens >= 1 (or 0 for the "
                + "model's own), got -5" + System.lineSeparator());
    }

    @Test
    void theModelFlagsAreRefusedBesideACatalogWhichSaysItAllPerProduct() {
        Cli.Run run = Cli.run(Map.of(), "serve", "--catalog", "catalog.yaml", "--chat-template", "chatml");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas serve: --context-length, --chat-template and --slots are for --model "
                + "files; with --catalog set each product's context_length, chat_template and slots in the catalog file"
                + System.lineSeparator());
    }

    @Test
    void theLlamaCppBuildComesFromTheFlagThenTheVariable() {
        Map<String, String> env = Map.of(ServerConfig.ENV_LLAMA_LIB, "/opt/llama-vulkan");

        assertThat(config(env, "--llama-lib", "/opt/llama-cuda").llamaLibrary()).contains(Path.of("/opt/llama-cuda"));
        assertThat(config(env).llamaLibrary()).contains(Path.of("/opt/llama-vulkan"));
        assertThat(config(Map.of()).llamaLibrary()).as("left to the catalog, else the fetched libraries").isEmpty();
    }

    @Test
    void gpuLayersDefaultToNoneAndMayBeAll() {
        assertThat(config(Map.of()).gpuLayers()).isZero();
        assertThat(config(Map.of(), "--gpu-layers", "-1").gpuLayers()).isEqualTo(-1);
    }

    private static ServerConfig config(Map<String, String> environment, String... flags) {
        String[] args = new String[flags.length + 1];
        args[0] = "serve";
        System.arraycopy(flags, 0, args, 1, flags.length);
        ServeCommand serve = (ServeCommand) Main.commandLine(environment).parseArgs(args).subcommand()
                .commandSpec().userObject();
        return serve.config();
    }
}
