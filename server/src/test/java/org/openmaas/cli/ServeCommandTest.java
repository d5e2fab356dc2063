package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.api.TrustedProxies;
import org.openmaas.auth.Bootstrap;
import org.openmaas.server.ServerConfig;

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
    void onlyTheStartThatWroteTheCredentialsFileCallsItselfTheFirst() {
        Path file = Path.of("maas-data", Bootstrap.FILE_NAME);

        assertThat(ServeCommand.announcement(new Bootstrap.Credentials("123456789012", "c", "s", Optional.of(file))))
                .contains("First start:", file.toString());
        assertThat(ServeCommand.announcement(new Bootstrap.Credentials("123456789012", "c", "s", Optional.empty())))
                .doesNotContain("First start")
                .contains("Added the API client of " + Bootstrap.ENV_CLIENT_ID, "keeps the credentials an earlier start wrote");
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
