package org.openmaas.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openmaas.testing.ConsoleBrowser.API;
import static org.openmaas.testing.ConsoleBrowser.expect;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ConsoleBrowser;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * What keeps other sites' pages out of the console: the CSRF token on every change, the refusal of changes a browser
 * says came from another site, and the headers on every answer under {@code /console} (pages, API, errors). And the
 * pages themselves, served from the jar.
 */
class ConsoleSecurityTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    @AutoClose
    static final TestServer server = TestServer.scripted(ScriptedEngine.builder().build());
    static ConsoleBrowser operator;
    static String clients;

    @BeforeAll
    static void signIn() {
        operator = ConsoleBrowser.operator(server);
        clients = API + "/accounts/" + TestServer.ACCOUNT + "/clients";
    }

    @Test
    void aChangeWithoutTheCsrfHeaderIsRefusedAndChangesNothing() {
        HttpResponse<String> refused = operator.send(operator.request("POST", clients, "{\"name\": \"no-token\"}")
                .header("Origin", operator.origin()).build());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(TestServer.json(refused.body()).at("/error/code").asText()).isEqualTo("csrf");
        assertThat(TestServer.json(operator.get(clients).body()).get("clients").toString()).doesNotContain("no-token");
    }

    @Test
    void aChangeWithAnotherSessionsTokenIsRefused() {
        HttpResponse<String> refused = operator.send(operator.request("POST", clients, "{\"name\": \"wrong-token\"}")
                .header("X-CSRF-Token", new StringBuilder(operator.csrfToken()).reverse().toString()).build());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(TestServer.json(refused.body()).at("/error/code").asText()).isEqualTo("csrf");
    }

    @Test
    void aChangeFromAnotherSitesPageIsRefusedEvenWithTheRightToken() {
        HttpResponse<String> byOrigin = operator.send(operator.request("POST", clients, "{\"name\": \"evil-1\"}")
                .header("X-CSRF-Token", operator.csrfToken()).header("Origin", "https://evil.example").build());
        HttpResponse<String> byFetchSite = operator.send(operator.request("POST", clients, "{\"name\": \"evil-2\"}")
                .header("X-CSRF-Token", operator.csrfToken()).header("Sec-Fetch-Site", "cross-site").build());

        for (HttpResponse<String> refused : List.of(byOrigin, byFetchSite)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(TestServer.json(refused.body()).at("/error/code").asText()).isEqualTo("csrf");
        }
        assertThat(TestServer.json(byOrigin.body()).at("/error/message").asText()).contains("'https://evil.example'");
    }

    @Test
    void aChangeFromTheConsolesOwnPageWithItsTokenIsTaken() {
        HttpResponse<String> taken = operator.send(operator.request("POST", clients, "{\"name\": \"own-page\"}")
                .header("X-CSRF-Token", operator.csrfToken()).header("Origin", operator.origin())
                .header("Sec-Fetch-Site", "same-origin").build());

        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(201);
    }

    @Test
    void anotherSiteCannotSignABrowserIn() {
        ConsoleBrowser browser = new ConsoleBrowser(server);

        HttpResponse<String> refused = browser.send(browser.request("POST", API + "/session",
                        "{\"email\": \"admin@localhost\", \"password\": \"" + ConsoleBrowser.PASSWORD + "\"}")
                .header("Origin", "https://evil.example").build());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void everyAnswerUnderConsoleCarriesTheSecurityHeadersAndTheApisAreNeverCached() {
        List<HttpResponse<String>> answers = List.of(operator.get(API + "/session"),
                new ConsoleBrowser(server).get(API + "/session"), operator.get(API + "/no-such-route"),
                operator.get("/console/"), operator.get("/console/missing.js"));

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 401, 404, 200, 404);
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as(answer.uri().toString()).hasValue(CSP);
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        }
        assertThat(answers.subList(0, 4)).allSatisfy(answer ->
                assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store"));
    }

    @Test
    void theConsolesErrorsHaveItsOwnShape() {
        HttpResponse<String> missing = operator.get(API + "/accounts/" + TestServer.ACCOUNT + "/clients/x/nothing");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(missing.body()).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(TestServer.json(missing.body()).at("/error/message").asText()).isNotBlank();
    }

    @Test
    void theSinglePageIsServedForTheConsoleAndForEveryInviteLink() {
        for (String path : List.of("/console/", "/console/invite/some-token")) {
            HttpResponse<String> page = expect(200, new ConsoleBrowser(server).get(path));
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<html");
        }
        HttpResponse<String> bare = new ConsoleBrowser(server).get("/console");
        assertThat(bare.statusCode()).isEqualTo(308);
        assertThat(bare.headers().firstValue("Location")).hasValue("/console/");
    }

    @Test
    void nothingOutsideTheConsolesFolderIsServed() {
        for (String path : List.of("/console/..%2Fdb%2Fmigration%2FV1__accounts_and_clients.sql",
                "/console/.hidden", "/console/%2E%2E/api/openapi.yaml")) {
            HttpResponse<String> refused = new ConsoleBrowser(server).get(path);
            assertThat(refused.statusCode()).as(path).isIn(400, 404);
            assertThat(refused.body()).doesNotContain("CREATE TABLE").doesNotContain("openapi:");
        }
    }
}
