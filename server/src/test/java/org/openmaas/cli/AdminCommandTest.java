package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.cli.connection.ConfigFile;
import org.openmaas.cli.connection.Settings;
import org.openmaas.testing.ConsoleBrowser;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/** {@code maas admin ...} against a running server: tables for people, JSON and CSV for scripts. */
class AdminCommandTest {

    static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.scripted(ScriptedEngine.builder().build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCreatedAccountAppearsInTheAccountsTable() {
        Cli.Run created = admin("accounts", "create", "cli-team-a", "--id", "300000000001");
        Cli.Run listed = admin("accounts", "list");

        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).contains("created cloud account 300000000001 (cli-team-a)");
        assertThat(listed.out().lines().findFirst().orElseThrow()).matches("ACCOUNT +NAME +STATUS +CREATED");
        assertThat(listed.out()).containsPattern("300000000001 +cli-team-a +active");
    }

    @Test
    void aCreatedClientsSecretIsPrintedOnceAndWorks() {
        admin("accounts", "create", "cli-team-b", "--id", "300000000002");

        Cli.Run created = admin("clients", "create", "--account", "300000000002", "--name", "app", "--id", "cli-app");
        Cli.Run listed = admin("clients", "list", "--account", "300000000002");

        String secret = created.out().lines().filter(l -> l.contains("client secret:")).findFirst().orElseThrow()
                .replaceFirst(".*client secret: ", "");
        assertThat(server.token("cli-app", secret)).isNotBlank();
        assertThat(listed.out()).contains("cli-app").doesNotContain(secret);
    }

    @Test
    void jsonPrintsTheServersAnswerForScripts() throws Exception {
        Cli.Run listed = admin("clients", "list", "--json");

        JsonNode json = TestServer.JSON.readTree(listed.out());
        assertThat(json.get("clients").findValuesAsText("client_id")).contains(TestServer.CLIENT_ID);
    }

    @Test
    void limitsSetChangesOnlyTheLimitsGiven() {
        admin("accounts", "create", "cli-team-c", "--id", "300000000003");
        admin("clients", "create", "--account", "300000000003", "--name", "app", "--id", "cli-limited");

        admin("limits", "set", "--client", "cli-limited", "--requests-per-minute", "60");
        admin("limits", "set", "--client", "cli-limited", "--concurrent-streams", "2");
        Cli.Run shown = admin("limits", "show", "--client", "cli-limited");

        assertThat(shown.out()).containsPattern("cli-limited +60 +unlimited +2");
    }

    @Test
    void usageIsPrintedAsCsvWithAHeader() {
        String token = server.token();
        server.stream(token, server.body("Once upon a time", "{\"max_new_tokens\": 3}"));

        Cli.Run csv = admin("usage", "--account", TestServer.ACCOUNT, "--csv");

        List<String> lines = csv.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("DAY,ACCOUNT,PRODUCT,REQUESTS,PROMPT TOKENS,GENERATED TOKENS");
        assertThat(lines.get(1)).contains("," + TestServer.ACCOUNT + ",");
    }

    @Test
    void anApiKeyMadeWithTheCliIsPrintedOnceWorksAndCanBeRevoked() {
        TestServer.Client client = server.newClient("inference");

        Cli.Run created = admin("api-keys", "create", "--client", client.id(), "--name", "editor");
        String key = created.out().lines().filter(l -> l.contains("API key:")).findFirst().orElseThrow()
                .replaceFirst(".*API key: ", "");
        String id = created.out().lines().findFirst().orElseThrow().replaceFirst("created API key (\\S+) .*", "$1");
        Cli.Run listed = admin("api-keys", "list", "--client", client.id());
        int before = server.get("/v1/models", key).statusCode();
        Cli.Run revoked = admin("api-keys", "revoke", "--client", client.id(), id);

        assertThat(before).isEqualTo(200);
        assertThat(listed.out()).containsPattern(id + " +sk-\\S+ +editor").doesNotContain(key);
        assertThat(revoked.out()).contains("API key " + id + " of client " + client.id() + " is revoked");
        assertThat(server.get("/v1/models", key).statusCode()).isEqualTo(401);
    }

    @Test
    void aRefusedRequestPrintsTheServersMessageAndExitsNonZero() {
        admin("accounts", "create", "cli-team-d");

        Cli.Run again = admin("accounts", "create", "cli-team-d");

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("maas admin: a cloud account named 'cli-team-d' already exists (HTTP 409)");
    }

    @Test
    void wrongCredentialsAreReportedWithoutTheSecret() {
        Cli.Run refused = Cli.run(env(), "admin", "accounts", "list", "--base-url", server.uri("/v1/maas").toString(),
                "--client-id", TestServer.CLIENT_ID, "--client-secret", "not-the-secret-at-all");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("refused client '" + TestServer.CLIENT_ID + "'").doesNotContain("not-the-secret");
    }

    // ---- the connection every client-side command shares

    @Test
    void afterLoginAnAdminCommandNeedsNoFlags() {
        Cli.run(env(), Cli.args("login", Cli.flagsFor(server)));

        Cli.Run listed = Cli.run(env(), "admin", "accounts", "list");

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).containsPattern(TestServer.ACCOUNT + " +");
    }

    @Test
    void forAnAdminCommandAVariableWinsOverTheConfigFile() {
        ConfigFile.write(config(), new Settings("http://127.0.0.1:9/v1/maas", null, TestServer.CLIENT_ID,
                "wrong-secret-in-the-file", null));
        Map<String, String> env = env();
        env.put("MAAS_BASE_URL", server.uri("/v1/maas").toString());
        env.put("MAAS_CLIENT_SECRET", TestServer.CLIENT_SECRET);

        Cli.Run listed = Cli.run(env, "admin", "accounts", "list");

        assertThat(listed.exitCode()).as(listed.err()).isZero();
    }

    @Test
    void forAnAdminCommandAFlagWinsOverTheVariable() {
        Map<String, String> env = env();
        env.put("MAAS_BASE_URL", server.uri("/v1/maas").toString());
        env.put("MAAS_CLIENT_ID", TestServer.CLIENT_ID);
        env.put("MAAS_CLIENT_SECRET", TestServer.CLIENT_SECRET);

        Cli.Run refused = Cli.run(env, "admin", "accounts", "list", "--client-secret", "wrong-secret-0123456789");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("maas admin: the server refused client '" + TestServer.CLIENT_ID + "'");
    }

    @Test
    void withoutCredentialsElsewhereTheCredentialsFileIsRead() throws Exception {
        Path credentials = credentialsFile(TestServer.CLIENT_SECRET);

        Cli.Run listed = Cli.run(serverInEnvironment(), "admin", "accounts", "list", "--credentials", credentials.toString());

        assertThat(listed.exitCode()).as(listed.err()).isZero();
    }

    @Test
    void theConfigFileWinsOverTheCredentialsFile() throws Exception {
        ConfigFile.write(config(), new Settings(null, null, TestServer.CLIENT_ID, "wrong-secret-in-the-file", null));
        Path credentials = credentialsFile(TestServer.CLIENT_SECRET);

        Cli.Run refused = Cli.run(serverInEnvironment(), "admin", "accounts", "list", "--credentials", credentials.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("refused client '" + TestServer.CLIENT_ID + "'");
    }

    @Test
    void withoutCredentialsEveryWayToGiveThemIsNamed() {
        Path absent = dir.resolve("absent.json");

        Cli.Run refused = Cli.run(serverInEnvironment(), "admin", "accounts", "list", "--credentials", absent.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("maas admin: no client id is configured: give --client-id, set "
                + "MAAS_CLIENT_ID, save it with `maas login`, or give --credentials FILE (" + absent
                + " does not exist)" + System.lineSeparator());
    }

    @Test
    void theDeprecatedUrlFlagStillWorksWithOneLineOfWarning() {
        Cli.Run listed = Cli.run(env(), "admin", "accounts", "list", "--url", server.uri("").toString(),
                "--client-id", TestServer.CLIENT_ID, "--client-secret", TestServer.CLIENT_SECRET);

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.err()).isEqualTo("maas: --url is deprecated; use --base-url " + server.uri("/v1/maas")
                + System.lineSeparator());
    }

    @Test
    void theDeprecatedUrlVariableStillWorksWithOneLineOfWarning() {
        Map<String, String> env = env();
        env.put("MAAS_URL", server.uri("").toString());

        Cli.Run listed = Cli.run(env, "admin", "accounts", "list", "--client-id", TestServer.CLIENT_ID,
                "--client-secret", TestServer.CLIENT_SECRET);

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.err()).isEqualTo("maas: MAAS_URL is deprecated; use MAAS_BASE_URL=" + server.uri("/v1/maas")
                + System.lineSeparator());
    }

    private Path config() {
        return dir.resolve("config.toml");
    }

    /** No {@code MAAS_*} variable, and a config file of this test's own. */
    private Map<String, String> env() {
        return Cli.environment(config());
    }

    private Map<String, String> serverInEnvironment() {
        Map<String, String> env = env();
        env.put("MAAS_BASE_URL", server.uri("/v1/maas").toString());
        return env;
    }

    /** A file like the server's bootstrap-credentials.json. */
    private Path credentialsFile(String secret) throws Exception {
        Path file = dir.resolve("bootstrap-credentials.json");
        Files.writeString(file, TestServer.JSON.writeValueAsString(Map.of("cloud_account_id", TestServer.ACCOUNT,
                "client_id", TestServer.CLIENT_ID, "client_secret", secret)));
        return file;
    }

    @Test
    void aCreatedConsoleUsersInviteLinkIsPrintedAndSignsThemIn() {
        Cli.Run created = admin("users", "create", "--email", "Ops@Example.com", "--operator");
        Cli.Run listed = admin("users", "list");

        assertThat(created.exitCode()).as(created.err()).isZero();
        String link = created.out().lines().filter(l -> l.contains("invite link:")).findFirst().orElseThrow()
                .replaceFirst(".*invite link: ", "");
        assertThat(link).startsWith(server.uri("/console/invite/").toString());
        assertThat(created.out()).contains("user ops@example.com", "an operator");
        assertThat(new ConsoleBrowser(server).accept(link, ConsoleBrowser.PASSWORD).statusCode()).isEqualTo(200);
        assertThat(listed.out()).containsPattern("ops@example.com +true +false +false");
    }

    private Cli.Run admin(String... args) {
        List<String> all = new ArrayList<>(List.of("admin"));
        all.addAll(List.of(args));
        all.addAll(List.of("--base-url", server.uri("/v1/maas").toString(), "--client-id", TestServer.CLIENT_ID,
                "--client-secret", TestServer.CLIENT_SECRET));
        return Cli.run(env(), all.toArray(String[]::new));
    }
}
