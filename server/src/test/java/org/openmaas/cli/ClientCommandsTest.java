package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.cli.connection.ConfigFile;
import org.openmaas.cli.connection.Settings;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** {@code maas login}, {@code maas models} and {@code maas generate} against a real server on loopback. */
class ClientCommandsTest {

    static TestServer server;
    static List<String> flags;
    static Model model;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.serving(TestModels.tiny());
        flags = Cli.flagsFor(server);
        try (MaasClient client = MaasClient.builder().environment(Map.of()).baseUrl(server.uri("/v1/maas").toString())
                .authUrl(server.uri("/oauth2/token").toString()).clientId(TestServer.CLIENT_ID)
                .clientSecret(TestServer.CLIENT_SECRET).cloudAccount(TestServer.ACCOUNT).build()) {
            model = client.models().getFirst();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    Map<String, String> env() {
        return Cli.environment(dir.resolve("config.toml"));
    }

    // ---- models

    @Test
    void modelsPrintsATableOfTheServedProducts() {
        Cli.Run run = Cli.run(env(), Cli.args("models", flags));

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.getFirst()).matches("PRODUCT NAME +PRODUCT ID +MODEL NAME");
        assertThat(lines.get(1)).matches(model.productName() + " +" + model.productId() + " +" + model.modelName());
        assertThat(lines).hasSize(2);
    }

    @Test
    void modelsJsonPrintsTheApisShape() {
        Cli.Run run = Cli.run(env(), Cli.args("models", flags, "--json"));

        JsonNode json = TestServer.json(run.out());
        assertThat(json.get("models")).hasSize(1);
        assertThat(json.get("models").get(0).get("product_name").asText()).isEqualTo(model.productName());
        assertThat(json.get("models").get(0).get("product_id").asText()).isEqualTo(model.productId());
        assertThat(json.get("models").get(0).get("model_name").asText()).isEqualTo(model.modelName());
    }

    // ---- generate

    @Test
    void generatePrintsTheGeneratedText() {
        String expected = generatedText(20);

        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once upon a time", "--model", model.productName(),
                "--max-new-tokens", "20", "--temperature", "0"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(expected + System.lineSeparator());
    }

    @Test
    void generateTakesAModelNameAsWellAsAProductName() {
        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once upon a time", "--model", model.modelName(),
                "--max-new-tokens", "5", "--temperature", "0"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(generatedText(5) + System.lineSeparator());
    }

    @Test
    void generateWithoutModelUsesTheOnlyOneServed() {
        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once upon a time", "--max-new-tokens", "5",
                "--temperature", "0"));

        assertThat(run.out()).isEqualTo(generatedText(5) + System.lineSeparator());
    }

    @Test
    void generateJsonPrintsTheStreamsLinesAsTheyCame() {
        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once upon a time", "--max-new-tokens", "6",
                "--temperature", "0", "--top-n-tokens", "2", "--json"));

        List<JsonNode> lines = run.out().lines().map(TestServer::json).toList();
        assertThat(lines).hasSize(lines.getLast().at("/result/response/details/generated_tokens").asInt());
        assertThat(lines).allSatisfy(line -> assertThat(line.at("/result/response/top_tokens")).hasSize(2));
        assertThat(lines.getLast().at("/result/response/details/finish_reason").asText()).startsWith("FINISH_REASON_");
    }

    @Test
    void generateDetailsPrintsHowTheGenerationEnded() {
        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once upon a time", "--max-new-tokens", "8",
                "--temperature", "0.7", "--seed", "1234", "--details"));

        assertThat(run.out()).containsPattern("\n\nCompletion Details:\n- Tokens generated: [1-8]\n"
                + "- Finish reason: FINISH_REASON_(LENGTH|EOS_TOKEN)\n- Seed: 1234\n- Request ID: [0-9a-f-]{36}\n$");
    }

    @Test
    void everyParameterFlagReachesTheService() {
        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once upon a time", "--max-new-tokens", "4",
                "--temperature", "0.8", "--top-p", "0.9", "--top-k", "20", "--typical-p", "0.95",
                "--repetition-penalty", "1.1", "--frequency-penalty", "0.1", "--do-sample", "--seed", "7",
                "--stop", "zzz", "--stop", "qqq", "--top-n-tokens", "1", "--truncate", "32", "--details"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("- Seed: 7");
    }

    @Test
    void aParameterTheServiceRefusesEndsWithItsMessageStatusAndRequestId() {
        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once upon a time", "--temperature", "101"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).matches("maas generate: temperature must be between 0 and 100, got 101.0 "
                + "\\(HTTP 400, INVALID_ARGUMENT, request id [0-9a-f-]{36}\\)\\R");
    }

    @Test
    void anUnknownModelIsNamedWithWhereToLook() {
        Cli.Run run = Cli.run(env(), Cli.args("generate", flags, "Once", "--model", "nope"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas generate: no model or product named 'nope' is available; "
                + "`maas models` lists them" + System.lineSeparator());
    }

    // ---- credentials: login, config file, environment

    @Test
    void loginChecksTheCredentialsAndSavesThemReadableOnlyByTheUser() throws Exception {
        Path config = dir.resolve("nested/maas/config.toml");

        Cli.Run run = Cli.run(Cli.environment(config), Cli.args("login", flags));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Logged in as client " + TestServer.CLIENT_ID + " (cloud account "
                + TestServer.ACCOUNT + ")").doesNotContain(TestServer.CLIENT_SECRET);
        assertThat(run.out().lines()).contains("The cloud account was accepted for a one-token generation on "
                + model.productName() + ".");
        assertThat(Files.getPosixFilePermissions(config))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(config.getParent())).isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        assertThat(ConfigFile.read(config)).contains(new Settings(
                server.uri("/v1/maas").toString(), server.uri("/oauth2/token").toString(), TestServer.CLIENT_ID,
                TestServer.CLIENT_SECRET, TestServer.ACCOUNT));
    }

    @Test
    void afterLoginTheClientCommandsNeedNoFlags() {
        Path config = dir.resolve("config.toml");
        Cli.run(Cli.environment(config), Cli.args("login", flags));

        Cli.Run run = Cli.run(Cli.environment(config), "models");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(model.productName());
    }

    @Test
    void theConfigFileFlagWinsOverMaasConfig() {
        Path config = dir.resolve("chosen.toml");
        Cli.run(Cli.environment(config), Cli.args("login", flags));

        Cli.Run run = Cli.run(Cli.environment(dir.resolve("absent.toml")), "models", "--config", config.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void loginWithAWrongSecretSavesNothingAndNeverShowsTheSecret() {
        Path config = dir.resolve("config.toml");
        List<String> wrong = flags.stream().map(f -> f.equals(TestServer.CLIENT_SECRET) ? "wrong-secret-0123456789" : f).toList();

        Cli.Run run = Cli.run(Cli.environment(config), Cli.args("login", wrong));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("maas login: client authentication failed").contains("HTTP 401, UNAUTHENTICATED")
                .doesNotContain("wrong-secret-0123456789");
        assertThat(config).doesNotExist();
    }

    @Test
    void loginWithAnotherClientsCloudAccountSavesNothingAndNamesTheAccount() {
        Path config = dir.resolve("config.toml");
        String other = server.newAccount();
        List<String> wrong = flags.stream().map(f -> f.equals(TestServer.ACCOUNT) ? other : f).toList();

        Cli.Run run = Cli.run(Cli.environment(config), Cli.args("login", wrong));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("maas login: the client id and secret are right, but the service refused "
                + "cloud account " + other + ": cloudAccountId '" + other + "' is not the cloud account of this "
                + "token's client (HTTP 403, PERMISSION_DENIED, request id ")
                .endsWith("; give the account this client belongs to with --cloud-account or MAAS_CLOUD_ACCOUNT. "
                        + "Nothing was saved." + System.lineSeparator());
        assertThat(config).doesNotExist();
    }

    @Test
    void loginOfAClientThatMayNotGenerateSaysItsAccountWasNotChecked() {
        Path config = dir.resolve("config.toml");
        TestServer.Client admin = server.newClient("admin");
        List<String> adminFlags = List.of("--base-url", server.uri("/v1/maas").toString(), "--client-id", admin.id(),
                "--client-secret", admin.secret(), "--cloud-account", admin.account());

        Cli.Run run = Cli.run(Cli.environment(config), Cli.args("login", adminFlags));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).contains("The cloud account was not checked: this client may not generate (its "
                + "scopes: admin), and only generations name the account.");
        assertThat(ConfigFile.read(config)).isPresent();
    }

    @Test
    void loginWithoutASecretAndNoTerminalSaysHowToGiveIt() {
        Path config = dir.resolve("config.toml");
        List<String> noSecret = new java.util.ArrayList<>(flags);
        noSecret.subList(noSecret.indexOf("--client-secret"), noSecret.indexOf("--client-secret") + 2).clear();

        Cli.Run run = Cli.run(Cli.environment(config), Cli.args("login", noSecret));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas login: login needs a client secret: give --client-secret or set "
                + "MAAS_CLIENT_SECRET, or run it on a terminal to be asked" + System.lineSeparator());
        assertThat(config).doesNotExist();
    }

    @Test
    void credentialsMayComeFromTheEnvironment() {
        Map<String, String> env = env();
        env.putAll(Map.of("MAAS_BASE_URL", server.uri("/v1/maas").toString(),
                "MAAS_AUTH_URL", server.uri("/oauth2/token").toString(), "MAAS_CLIENT_ID", TestServer.CLIENT_ID,
                "MAAS_CLIENT_SECRET", TestServer.CLIENT_SECRET, "MAAS_CLOUD_ACCOUNT", TestServer.ACCOUNT));

        Cli.Run run = Cli.run(env, "models");

        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void aMissingSecretIsNamedWithTheThreeWaysToGiveIt() {
        List<String> noSecret = Arrays.asList(Cli.args("models", flags));
        int at = noSecret.indexOf("--client-secret");
        String[] args = java.util.stream.Stream.concat(noSecret.subList(0, at).stream(), noSecret.subList(at + 2, noSecret.size()).stream())
                .toArray(String[]::new);

        Cli.Run run = Cli.run(env(), args);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("maas models: no client secret is configured: give --client-secret, set "
                + "MAAS_CLIENT_SECRET, or save it with `maas login`" + System.lineSeparator());
    }

    private static String generatedText(int maxNewTokens) {
        try (MaasClient client = MaasClient.builder().environment(Map.of()).baseUrl(server.uri("/v1/maas").toString())
                .authUrl(server.uri("/oauth2/token").toString()).clientId(TestServer.CLIENT_ID)
                .clientSecret(TestServer.CLIENT_SECRET).cloudAccount(TestServer.ACCOUNT).build()) {
            return client.generate(GenerateRequest.builder(model, "Once upon a time").maxNewTokens(maxNewTokens)
                    .temperature(0).build()).generatedText();
        }
    }
}
