package org.openmaas.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openmaas.testing.ConsoleBrowser.API;
import static org.openmaas.testing.ConsoleBrowser.PASSWORD;
import static org.openmaas.testing.ConsoleBrowser.expect;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.console.FirstOperator;
import org.openmaas.testing.ConsoleBrowser;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Signing in and out of the console over HTTP: the session cookie, failed and rate-limited sign-ins, idle and
 * absolute expiry on a clock the test moves, sign-out (here and everywhere) and invite links.
 */
class ConsoleSessionTest {

    static final String OPERATOR = FirstOperator.DEFAULT_EMAIL;
    static final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:10Z"));
    @AutoClose
    static final TestServer server = TestServer.serving(clock, TestServer.product(TestServer.SCRIPTED_PRODUCT,
            ScriptedEngine.builder().build()));

    @BeforeAll
    static void theFirstOperatorFollowsTheLinkTheStartMade() {
        ConsoleBrowser.operator(server);
    }

    /** The operator, in a browser of their own, signed in with their password. */
    static ConsoleBrowser operator() {
        ConsoleBrowser browser = new ConsoleBrowser(server);
        expect(200, browser.signIn(OPERATOR, PASSWORD));
        return browser;
    }

    @Test
    void aSignInAnswersWhoIsSignedInAndSetsAnHttpOnlyStrictCookieForTheConsoleOnly() {
        ConsoleBrowser browser = new ConsoleBrowser(server);

        HttpResponse<String> response = browser.signIn(OPERATOR.toUpperCase(), PASSWORD);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Set-Cookie")).get().asString()
                .startsWith("maas_session=").contains("; Path=/console", "; HttpOnly", "; SameSite=Strict",
                        "; Max-Age=43200").doesNotContain("Secure");
        JsonNode me = TestServer.json(response.body());
        assertThat(me.at("/user/email").asText()).isEqualTo(OPERATOR);
        assertThat(me.at("/user/operator").asBoolean()).isTrue();
        assertThat(me.get("csrf_token").asText()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(browser.me().at("/user/email").asText()).isEqualTo(OPERATOR);
    }

    @Test
    void behindAProxyThatSaysTheRequestCameOverTlsTheCookieIsSecure() {
        ConsoleBrowser browser = new ConsoleBrowser(server);

        HttpResponse<String> response = browser.send(browser.request("POST", API + "/session",
                        "{\"email\": \"" + OPERATOR + "\", \"password\": \"" + PASSWORD + "\"}")
                .header("X-Forwarded-Proto", "https").build());

        assertThat(response.headers().firstValue("Set-Cookie")).get().asString().contains("; Secure");
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailGetTheSameAnswerAndNoCookie() {
        HttpResponse<String> wrongPassword = new ConsoleBrowser(server).signIn(OPERATOR, "not the password at all");
        HttpResponse<String> unknownEmail = new ConsoleBrowser(server).signIn("nobody@example.com", PASSWORD);

        for (HttpResponse<String> response : List.of(wrongPassword, unknownEmail)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(TestServer.json(response.body()).get("error").toString())
                    .isEqualTo("{\"code\":\"unauthenticated\",\"message\":\"the email or password is wrong\"}");
        }
    }

    @Test
    void afterTenWrongPasswordsEvenTheRightOneWaitsForTheNextMinuteWhileOthersSignIn() {
        clock.advance(Duration.ofMinutes(1)); // a window of its own for this address's failures
        String email = operator().newUser(false, null, null).me().at("/user/email").asText();
        for (int i = 0; i < 10; i++) {
            assertThat(new ConsoleBrowser(server).signIn(email, "wrong password " + i).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> refused = new ConsoleBrowser(server).signIn(email, PASSWORD);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("50");
        assertThat(TestServer.json(refused.body()).at("/error/code").asText()).isEqualTo("resource_exhausted");
        assertThat(new ConsoleBrowser(server).signIn(OPERATOR, PASSWORD).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        assertThat(new ConsoleBrowser(server).signIn(email, PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutASessionTheApiAnswers401() {
        HttpResponse<String> response = new ConsoleBrowser(server).get(API + "/session");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(response.body()).at("/error/code").asText()).isEqualTo("unauthenticated");
    }

    @Test
    void signingOutEndsThatSessionAndClearsItsCookieButNotTheUsersOthers() {
        ConsoleBrowser here = operator();
        ConsoleBrowser there = operator();

        HttpResponse<String> response = here.delete(API + "/session");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Set-Cookie")).get().asString().startsWith("maas_session=;")
                .contains("Max-Age=0");
        assertThat(here.get(API + "/session").statusCode()).isEqualTo(401);
        assertThat(there.get(API + "/session").statusCode()).isEqualTo(200);
    }

    @Test
    void signingOutEverywhereEndsEverySessionOfTheUser() {
        ConsoleBrowser here = operator();
        ConsoleBrowser there = operator();

        assertThat(here.post(API + "/session/sign-out-everywhere", null).statusCode()).isEqualTo(204);

        assertThat(here.get(API + "/session").statusCode()).isEqualTo(401);
        assertThat(there.get(API + "/session").statusCode()).isEqualTo(401);
    }

    @Test
    void aSessionEndsWhenUnusedForItsIdleTimeoutAndUseMovesThatOn() {
        ConsoleBrowser browser = operator();

        clock.advance(Duration.ofMinutes(29));
        assertThat(browser.get(API + "/session").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(29));
        assertThat(browser.get(API + "/session").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(30));

        assertThat(browser.get(API + "/session").statusCode()).isEqualTo(401);
    }

    @Test
    void aSessionEndsTwelveHoursAfterSignInHoweverMuchItIsUsed() {
        ConsoleBrowser browser = operator();
        for (int i = 0; i < 24; i++) { // 24 × 29 min = 11 h 36 min
            clock.advance(Duration.ofMinutes(29));
            assertThat(browser.get(API + "/session").statusCode()).as("after " + (i + 1) * 29 + " min").isEqualTo(200);
        }

        clock.advance(Duration.ofMinutes(25));

        assertThat(browser.get(API + "/session").statusCode()).isEqualTo(401);
    }

    @Test
    void anInviteLinkSetsThePasswordOnceAndThenSignsInNoMore() {
        JsonNode invited = TestServer.json(expect(201, operator().post(API + "/operator/users",
                "{\"email\": \"Ada@Example.com\"}")).body());
        String link = invited.get("invite_url").asText();
        assertThat(link).startsWith("/console/invite/");

        ConsoleBrowser ada = new ConsoleBrowser(server);
        assertThat(ada.accept(link, PASSWORD).statusCode()).isEqualTo(200);
        HttpResponse<String> again = new ConsoleBrowser(server).accept(link, "another password 123");

        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(again.body()).at("/error/message").asText()).contains("unknown, used or expired");
        assertThat(ada.me().at("/user/email").asText()).isEqualTo("ada@example.com");
        assertThat(new ConsoleBrowser(server).signIn("ada@example.com", PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void anInviteLinkExpiresAfterThreeDays() {
        String link = TestServer.json(expect(201, operator().post(API + "/operator/users",
                "{\"email\": \"late@example.com\"}")).body()).get("invite_url").asText();

        clock.advance(Duration.ofDays(3).plusSeconds(1));

        assertThat(new ConsoleBrowser(server).accept(link, PASSWORD).statusCode()).isEqualTo(404);
    }

    @Test
    void aShortPasswordIsRefusedNamingTheRuleAndLeavesTheLinkUnused() {
        String link = TestServer.json(expect(201, operator().post(API + "/operator/users",
                "{\"email\": \"brief@example.com\"}")).body()).get("invite_url").asText();

        HttpResponse<String> refused = new ConsoleBrowser(server).accept(link, "short");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(refused.body()).at("/error/message").asText())
                .isEqualTo("password must have 12 to 200 characters, got 5");
        assertThat(new ConsoleBrowser(server).accept(link, PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void theSameUserIsFoundWhateverTheCaseOfTheEmail() {
        ConsoleBrowser operator = operator();
        String first = TestServer.json(expect(201, operator.post(API + "/operator/users",
                "{\"email\": \"Grace@Example.com\"}")).body()).get("user_id").asText();

        String second = TestServer.json(expect(201, operator.post(API + "/operator/users",
                "{\"email\": \"grace@example.COM\"}")).body()).get("user_id").asText();

        assertThat(second).isEqualTo(first);
    }
}
