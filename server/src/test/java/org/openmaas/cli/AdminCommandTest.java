package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;
import picocli.CommandLine;

/** {@code maas admin ...} against a running server: tables for people, JSON and CSV for scripts. */
class AdminCommandTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.serving(TestModels.tiny());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int exit, String out, String err) {
    }

    @Test
    void aCreatedAccountAppearsInTheAccountsTable() {
        Run created = admin("accounts", "create", "cli-team-a", "--id", "300000000001");
        Run listed = admin("accounts", "list");

        assertThat(created.exit()).isZero();
        assertThat(created.out()).contains("created cloud account 300000000001 (cli-team-a)");
        assertThat(listed.out().lines().findFirst().orElseThrow()).matches("ACCOUNT +NAME +STATUS +CREATED");
        assertThat(listed.out()).containsPattern("300000000001 +cli-team-a +active");
    }

    @Test
    void aCreatedClientsSecretIsPrintedOnceAndWorks() {
        admin("accounts", "create", "cli-team-b", "--id", "300000000002");

        Run created = admin("clients", "create", "--account", "300000000002", "--name", "app", "--id", "cli-app");
        Run listed = admin("clients", "list", "--account", "300000000002");

        String secret = created.out().lines().filter(l -> l.contains("client secret:")).findFirst().orElseThrow()
                .replaceFirst(".*client secret: ", "");
        assertThat(server.token("cli-app", secret)).isNotBlank();
        assertThat(listed.out()).contains("cli-app").doesNotContain(secret);
    }

    @Test
    void jsonPrintsTheServersAnswerForScripts() throws Exception {
        Run listed = admin("clients", "list", "--json");

        JsonNode json = TestServer.JSON.readTree(listed.out());
        assertThat(json.get("clients").findValuesAsText("client_id")).contains(TestServer.CLIENT_ID);
    }

    @Test
    void limitsSetChangesOnlyTheLimitsGiven() {
        admin("accounts", "create", "cli-team-c", "--id", "300000000003");
        admin("clients", "create", "--account", "300000000003", "--name", "app", "--id", "cli-limited");

        admin("limits", "set", "--client", "cli-limited", "--requests-per-minute", "60");
        admin("limits", "set", "--client", "cli-limited", "--concurrent-streams", "2");
        Run shown = admin("limits", "show", "--client", "cli-limited");

        assertThat(shown.out()).containsPattern("cli-limited +60 +unlimited +2");
    }

    @Test
    void usageIsPrintedAsCsvWithAHeader() {
        String token = server.token();
        server.stream(token, server.body("Once upon a time", "{\"max_new_tokens\": 3}"));

        Run csv = admin("usage", "--account", TestServer.ACCOUNT, "--csv");

        List<String> lines = csv.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("DAY,ACCOUNT,PRODUCT,REQUESTS,PROMPT TOKENS,GENERATED TOKENS");
        assertThat(lines.get(1)).contains("," + TestServer.ACCOUNT + ",");
    }

    @Test
    void anApiKeyMadeWithTheCliIsPrintedOnceWorksAndCanBeRevoked() {
        TestServer.Client client = server.newClient("inference");

        Run created = admin("api-keys", "create", "--client", client.id(), "--name", "editor");
        String key = created.out().lines().filter(l -> l.contains("API key:")).findFirst().orElseThrow()
                .replaceFirst(".*API key: ", "");
        String id = created.out().lines().findFirst().orElseThrow().replaceFirst("created API key (\\S+) .*", "$1");
        Run listed = admin("api-keys", "list", "--client", client.id());
        int before = server.get("/v1/models", key).statusCode();
        Run revoked = admin("api-keys", "revoke", "--client", client.id(), id);

        assertThat(before).isEqualTo(200);
        assertThat(listed.out()).containsPattern(id + " +sk-\\S+ +editor").doesNotContain(key);
        assertThat(revoked.out()).contains("API key " + id + " of client " + client.id() + " is revoked");
        assertThat(server.get("/v1/models", key).statusCode()).isEqualTo(401);
    }

    @Test
    void aRefusedRequestPrintsTheServersMessageAndExitsNonZero() {
        admin("accounts", "create", "cli-team-d");

        Run again = admin("accounts", "create", "cli-team-d");

        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("maas admin: a cloud account named 'cli-team-d' already exists (HTTP 409)");
    }

    @Test
    void wrongCredentialsAreReportedWithoutTheSecret() {
        Run refused = run("admin", "accounts", "list", "--url", server.uri("").toString(),
                "--client-id", TestServer.CLIENT_ID, "--client-secret", "not-the-secret-at-all");

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("refused client '" + TestServer.CLIENT_ID + "'").doesNotContain("not-the-secret");
    }

    private static Run admin(String... args) {
        List<String> all = new ArrayList<>(List.of("admin"));
        all.addAll(List.of(args));
        all.addAll(List.of("--url", server.uri("").toString(), "--client-id", TestServer.CLIENT_ID,
                "--client-secret", TestServer.CLIENT_SECRET));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
