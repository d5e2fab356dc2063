package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.Await;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestDatabase;
import org.openmaas.testing.TestServer;

/**
 * Two servers on one PostgreSQL database, with their own ports and data directories, behave as one service: tokens,
 * revocation, entitlements, limits, quotas and signing keys hold across both.
 */
class TwoInstancesTest {

    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static final AtomicInteger NAMES = new AtomicInteger();
    static TestDatabase db;
    static TestServer a;
    static TestServer b;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh(TestDatabase.Kind.POSTGRESQL);
        a = instance("a");
        b = instance("b");
        admin = a.token();
    }

    /** One instance on its own data directory and the shared database, serving the same product as the other. */
    static TestServer instance(String name) throws IOException {
        return TestServer.servingIn(Files.createDirectories(db.dir().resolve(name)), Optional.of(db.url()), CLOCK,
                TestServer.SHUTDOWN_GRACE,
                TestServer.product(TestServer.SCRIPTED_PRODUCT, ScriptedEngine.builder().build()));
    }

    @AfterAll
    static void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (db != null) db.close();
    }

    record Client(String account, String id, String secret) {
    }

    @Test
    void aTokenIssuedByOneInstanceWorksOnTheOther() {
        Client client = newClient();

        String token = a.token(client.id(), client.secret());

        assertThat(b.get("/v1/maas/models", token).body()).contains("models");
        assertThat(b.get("/v1/maas/models", token).statusCode()).isEqualTo(200);
        assertThat(b.stream(token, body(client.account())).response().statusCode()).isEqualTo(200);
    }

    @Test
    void aClientRevokedThroughOneInstanceIsRefusedByTheOtherWithinTenSeconds() {
        Client client = newClient();
        String token = a.token(client.id(), client.secret());
        assertThat(b.get("/v1/maas/models", token).statusCode()).isEqualTo(200);

        assertThat(a.send("POST", "/v1/admin/clients/" + client.id() + "/revoke", admin, null).statusCode()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(10));

        assertThat(b.get("/v1/maas/models", token).statusCode()).isEqualTo(401);
    }

    @Test
    void entitlementsSetThroughOneInstanceHoldOnTheOther() {
        Client client = newClient();
        String token = b.token(client.id(), client.secret());
        assertThat(b.get("/v1/maas/models", token).body()).contains("product_name");

        a.send("PUT", "/v1/admin/accounts/" + client.account() + "/entitlements", admin, "{\"products\": []}");
        CLOCK.advance(Duration.ofSeconds(10));

        assertThat(b.post("/v1/maas/generatestream", token, body(client.account())).statusCode()).isEqualTo(403);
    }

    @Test
    void requestsCountedOnOneInstanceCountAgainstTheLimitOnTheOther() {
        Client client = newClient();
        a.send("PUT", "/v1/admin/clients/" + client.id() + "/limits", admin, "{\"requests_per_minute\": 2}");
        String token = a.token(client.id(), client.secret());
        // Start of a minute, so all three requests fall into one window.
        CLOCK.advance(Duration.ofSeconds(60 - CLOCK.instant().getEpochSecond() % 60));

        assertThat(a.post("/v1/maas/generatestream", token, body(client.account())).statusCode()).isEqualTo(200);
        assertThat(b.post("/v1/maas/generatestream", token, body(client.account())).statusCode()).isEqualTo(200);
        HttpResponse<String> third = a.post("/v1/maas/generatestream", token, body(client.account()));

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("requests_per_minute (2)");
    }

    @Test
    void tokensGeneratedOnOneInstanceCountAgainstTheQuotaOnTheOther() throws InterruptedException {
        Client client = newClient();
        a.send("PUT", "/v1/admin/accounts/" + client.account() + "/limits", admin, "{\"monthly_generated_tokens\": 12}");
        String token = a.token(client.id(), client.secret());

        TestServer.Stream first = a.stream(token, body(client.account()));
        int used = first.last().get("details").get("generated_tokens").asInt();
        // Settlements are written after the stream has ended (until then the tokens count as reserved), so the other
        // instance sees them as used once the store has them.
        Await.until(() -> usedTokens(b, client.account()) == used);
        HttpResponse<String> second = b.post("/v1/maas/generatestream", token, body(client.account()));

        assertThat(used).isGreaterThan(4);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).contains("monthly_generated_tokens quota (12: " + used + " used, 0 reserved");
    }

    private static int usedTokens(TestServer server, String account) {
        String limits = server.send("GET", "/v1/admin/accounts/" + account + "/limits", admin, null).body();
        return TestServer.json(limits).get("used_tokens").asInt();
    }

    @Test
    void aSigningKeyRotatedOnOneInstanceLeavesEveryLiveTokenValidOnBoth() {
        Client client = newClient();
        String before = a.token(client.id(), client.secret());

        assertThat(a.send("POST", "/v1/admin/signing-keys/rotate", admin, null).statusCode()).isEqualTo(200);
        String after = a.token(client.id(), client.secret());

        assertThat(b.get("/v1/maas/models", before).statusCode()).isEqualTo(200);
        assertThat(b.get("/v1/maas/models", after).statusCode()).isEqualTo(200);
        assertThat(a.get("/v1/maas/models", before).statusCode()).isEqualTo(200);
    }

    static String body(String account) {
        JsonNode product = TestServer.json(a.get("/v1/maas/models", admin).body()).get("models").get(0);
        return """
                {"model": "%s", "request": {"prompt": "Once upon a time", "params": {"max_new_tokens": 8, "temperature": 0}},
                 "cloudAccountId": "%s", "productName": "%s", "productId": "%s"}"""
                .formatted(product.get("model_name").asText(), account, product.get("product_name").asText(),
                        product.get("product_id").asText());
    }

    static Client newClient() {
        HttpResponse<String> account = a.send("POST", "/v1/admin/accounts", admin,
                "{\"name\": \"two-" + NAMES.incrementAndGet() + "\"}");
        String accountId = TestServer.json(account.body()).get("id").asText();
        HttpResponse<String> created = a.send("POST", "/v1/admin/clients", admin,
                "{\"cloud_account_id\": \"" + accountId + "\", \"name\": \"app\"}");
        JsonNode client = TestServer.json(created.body());
        return new Client(accountId, client.get("client_id").asText(), client.get("client_secret").asText());
    }
}
