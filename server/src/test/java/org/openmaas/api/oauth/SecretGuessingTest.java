package org.openmaas.api.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmaas.api.TrustedProxies;
import org.openmaas.auth.GuessingGuard;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Failed token requests are limited per client id; past a limit per address they are told to slow down, but an
 * address never stops a right secret. Successful requests are never limited.
 */
class SecretGuessingTest {

    // The start of a minute, so the whole test runs inside one rate window.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.serving(clock, TestServer.product(TestServer.SCRIPTED_PRODUCT, ScriptedEngine.builder().build()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void afterTooManyWrongSecretsEvenTheRightOneIsRefusedUntilTheMinuteEnds() {
        for (int i = 0; i < GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE; i++) {
            assertThat(attempt(TestServer.CLIENT_ID, "wrong-" + i).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> refused = attempt(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("60");
        assertThat(TestServer.json(refused.body()).get("error").asText()).isEqualTo("slow_down");
        assertThat(refused.body()).doesNotContain(TestServer.CLIENT_SECRET);
        clock.advance(Duration.ofSeconds(60));
        assertThat(attempt(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET).statusCode()).isEqualTo(200);
    }

    @Test
    void manyWrongClientIdsFromOneAddressNeverStopTheRightSecretOfAnotherClient() {
        for (int i = 0; i < 3 * GuessingGuard.FAILURES_PER_ADDRESS_PER_MINUTE; i++) {
            attempt("guess-" + i, "wrong");
        }

        assertThat(attempt(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET).statusCode()).isEqualTo(200);
    }

    @Test
    void pastTheAddressLimitFailuresFromThatAddressAreToldToSlowDown() {
        for (int i = 0; i < GuessingGuard.FAILURES_PER_ADDRESS_PER_MINUTE; i++) {
            assertThat(attempt("guess-" + i, "wrong").statusCode()).isEqualTo(401);
        }

        HttpResponse<String> slowed = attempt("guess-more", "wrong");

        assertThat(slowed.statusCode()).isEqualTo(429);
        assertThat(slowed.headers().firstValue("Retry-After")).contains("60");
        assertThat(TestServer.json(slowed.body()).get("error").asText()).isEqualTo("slow_down");
    }

    @Test
    void anAddressClaimedByAnUntrustedCallerIsIgnored() {
        for (int i = 0; i < GuessingGuard.FAILURES_PER_ADDRESS_PER_MINUTE; i++) {
            attempt("guess-" + i, "wrong", "X-Forwarded-For", "203.0.113." + i);
        }

        assertThat(attempt("guess-more", "wrong", "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(429);
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasAnAddressOfItsOwn() {
        server.close();
        server = TestServer.servingBehind(TrustedProxies.parse("127.0.0.1"), clock,
                TestServer.product(TestServer.SCRIPTED_PRODUCT, ScriptedEngine.builder().build()));
        for (int i = 0; i < GuessingGuard.FAILURES_PER_ADDRESS_PER_MINUTE; i++) {
            attempt("guess-" + i, "wrong", "X-Forwarded-For", "203.0.113.7");
        }

        assertThat(attempt("guess-more", "wrong", "X-Forwarded-For", "203.0.113.7").statusCode()).isEqualTo(429);
        assertThat(attempt("guess-more", "wrong", "Forwarded", "for=198.51.100.1").statusCode()).isEqualTo(401);
    }

    @Test
    void successfulTokenRequestsAreNeverLimited() {
        for (int i = 0; i < 3 * GuessingGuard.FAILURES_PER_ADDRESS_PER_MINUTE; i++) {
            assertThat(attempt(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET).statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> attempt(String clientId, String secret, String... headers) {
        return server.tokenRequest("grant_type=client_credentials", TestServer.basic(clientId, secret), headers);
    }
}
