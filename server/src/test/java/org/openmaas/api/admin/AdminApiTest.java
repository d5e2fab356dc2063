package org.openmaas.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** The admin API over HTTP: accounts, clients, secrets, entitlements, limits and usage. */
class AdminApiTest {

    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static final AtomicInteger NAMES = new AtomicInteger();
    static TestServer server;
    static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestModels.tiny(), Optional.empty(), Map.of(), CLOCK);
        admin = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNewClientsSecretIsShownOnceAndGetsATokenForItsAccount() {
        TestServer.Client client = newClient("inference");

        JsonNode shown = json(server.send("GET", "/v1/admin/clients/" + client.id(), admin, null));
        String token = server.token(client.id(), client.secret());

        assertThat(shown.has("client_secret")).isFalse();
        assertThat(shown.get("cloud_account_id").asText()).isEqualTo(client.account());
        assertThat(shown.get("status").asText()).isEqualTo("active");
        assertThat(shown.get("last_used_at").isNull()).isTrue();
        assertThat(server.get("/v1/maas/models", token).statusCode()).isEqualTo(200);
    }

    @Test
    void anAccountCreatedWithoutAnIdGetsTwelveDigits() {
        HttpResponse<String> created = server.send("POST", "/v1/admin/accounts", admin, "{\"name\": \"" + name() + "\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).get("id").asText()).matches("\\d{12}");
    }

    @Test
    void aTokenWithoutTheAdminScopeIsForbiddenOnAdminRoutes() {
        TestServer.Client client = newClient("inference");
        String token = server.token(client.id(), client.secret());

        HttpResponse<String> response = server.send("GET", "/v1/admin/accounts", token, null);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response).get("code").asInt()).isEqualTo(7);
        assertThat(json(response).get("message").asText()).contains("'admin' scope");
    }

    @Test
    void adminRoutesWithoutATokenAreUnauthenticated() {
        assertThat(server.send("GET", "/v1/admin/clients", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aSecondAccountWithTheSameNameIsAConflictNamingTheName() {
        String name = name();
        server.send("POST", "/v1/admin/accounts", admin, "{\"name\": \"" + name + "\"}");

        HttpResponse<String> again = server.send("POST", "/v1/admin/accounts", admin, "{\"name\": \"" + name + "\"}");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("code").asInt()).isEqualTo(6);
        assertThat(json(again).get("message").asText()).contains("'" + name + "'");
    }

    @Test
    void aSecondClientWithTheSameNameInOneAccountIsAConflict() {
        String account = newAccount();
        String body = "{\"cloud_account_id\": \"" + account + "\", \"name\": \"app\"}";
        server.send("POST", "/v1/admin/clients", admin, body);

        assertThat(server.send("POST", "/v1/admin/clients", admin, body).statusCode()).isEqualTo(409);
    }

    @Test
    void unknownIdsAreNotFound() {
        assertThat(server.send("GET", "/v1/admin/accounts/999999999998", admin, null).statusCode()).isEqualTo(404);
        assertThat(server.send("POST", "/v1/admin/clients/nobody/revoke", admin, null).statusCode()).isEqualTo(404);
        assertThat(server.send("POST", "/v1/admin/clients", admin,
                "{\"cloud_account_id\": \"999999999998\", \"name\": \"x\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void malformedLimitsAreRefusedNamingTheFieldAndTheAllowedRange() {
        TestServer.Client client = newClient("inference");
        String path = "/v1/admin/clients/" + client.id() + "/limits";

        HttpResponse<String> zero = server.send("PUT", path, admin, "{\"requests_per_minute\": 0}");
        HttpResponse<String> text = server.send("PUT", path, admin, "{\"concurrent_streams\": \"two\"}");
        HttpResponse<String> unknown = server.send("PUT", path, admin, "{\"tokens_per_day\": 5}");
        HttpResponse<String> negativeQuota = server.send("PUT", "/v1/admin/accounts/" + client.account() + "/limits",
                admin, "{\"monthly_generated_tokens\": -1}");

        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(json(zero).get("message").asText()).contains("requests_per_minute must be between 1 and");
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(json(text).get("message").asText()).contains("concurrent_streams");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("message").asText()).contains("unknown field 'tokens_per_day'");
        assertThat(negativeQuota.statusCode()).isEqualTo(400);
    }

    @Test
    void aRevokedClientsLiveTokenIsRefusedWithinTenSeconds() {
        TestServer.Client client = newClient("inference");
        String token = server.token(client.id(), client.secret());
        assertThat(server.get("/v1/maas/models", token).statusCode()).isEqualTo(200);

        assertThat(server.send("POST", "/v1/admin/clients/" + client.id() + "/revoke", admin, null).statusCode())
                .isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(10));

        HttpResponse<String> refused = server.get("/v1/maas/models", token);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused).get("message").asText()).contains("revoked");
    }

    @Test
    void aSuspendedAccountsClientsAreRefused() {
        TestServer.Client client = newClient("inference");
        String token = server.token(client.id(), client.secret());

        server.send("PATCH", "/v1/admin/accounts/" + client.account(), admin, "{\"status\": \"suspended\"}");
        CLOCK.advance(Duration.ofSeconds(10));

        assertThat(server.get("/v1/maas/models", token).statusCode()).isEqualTo(401);
    }

    @Test
    void afterARotationBothSecretsWorkUntilTheOverlapEndsThenOnlyTheNewOne() {
        TestServer.Client client = newClient("inference");

        HttpResponse<String> rotated = server.send("POST", "/v1/admin/clients/" + client.id() + "/rotate-secret", admin,
                "{\"overlap_seconds\": 60}");
        String newSecret = json(rotated).get("client_secret").asText();

        assertThat(newSecret).isNotEqualTo(client.secret());
        assertThat(server.tokenRequest("grant_type=client_credentials", TestServer.basic(client.id(), client.secret()))
                .statusCode()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(61));
        assertThat(server.tokenRequest("grant_type=client_credentials", TestServer.basic(client.id(), client.secret()))
                .statusCode()).isEqualTo(401);
        assertThat(server.tokenRequest("grant_type=client_credentials", TestServer.basic(client.id(), newSecret))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void concurrentRotationsOfOneClientEachSucceedOrConflictAndTheLastSecretWorks() {
        TestServer.Client client = newClient("inference");
        List<CompletableFuture<HttpResponse<String>>> rotations = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rotations.add(CompletableFuture.supplyAsync(() -> server.send("POST",
                    "/v1/admin/clients/" + client.id() + "/rotate-secret", admin, "{\"overlap_seconds\": 0}")));
        }
        Set<Integer> statuses = new HashSet<>();
        List<String> secrets = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> rotation : rotations) {
            HttpResponse<String> response = rotation.join();
            statuses.add(response.statusCode());
            if (response.statusCode() == 200) {
                secrets.add(json(response).get("client_secret").asText());
            } else {
                assertThat(json(response).get("code").asInt()).isEqualTo(10);
            }
        }

        assertThat(statuses).isSubsetOf(200, 409).contains(200);
        long working = secrets.stream().filter(secret -> server.tokenRequest("grant_type=client_credentials",
                TestServer.basic(client.id(), secret)).statusCode() == 200).count();
        assertThat(working).isEqualTo(1);
    }

    @Test
    void aProductTheAccountIsNotEntitledToIsForbiddenAndAbsentFromItsCatalog() {
        TestServer.Client client = newClient("inference");
        String token = server.token(client.id(), client.secret());
        String body = body(client.account(), token);
        HttpResponse<String> other = server.send("POST", "/v1/admin/accounts", admin, "{\"name\": \"" + name() + "\"}");
        assertThat(other.statusCode()).isEqualTo(201);

        HttpResponse<String> set = server.send("PUT", "/v1/admin/accounts/" + client.account() + "/entitlements", admin,
                "{\"products\": []}");
        CLOCK.advance(Duration.ofSeconds(10));

        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(json(server.get("/v1/maas/models", token)).get("models")).isEmpty();
        HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, body);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).get("message").asText()).contains("not entitled to product");
    }

    @Test
    void entitlementsNamingAnUnknownProductAreRefused() {
        String account = newAccount();

        HttpResponse<String> response = server.send("PUT", "/v1/admin/accounts/" + account + "/entitlements", admin,
                "{\"products\": [\"maas-model-nope\"]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("message").asText()).contains("unknown product 'maas-model-nope'");
    }

    @Test
    void exceedingTheRequestsPerMinuteLimitGives429WithRetryAfterAndTheLimitNamed() {
        TestServer.Client client = newClient("inference");
        server.send("PUT", "/v1/admin/clients/" + client.id() + "/limits", admin, "{\"requests_per_minute\": 1}");
        String token = server.token(client.id(), client.secret());
        String body = body(client.account(), token);

        assertThat(server.post("/v1/maas/generatestream", token, body).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, body);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("code").asInt()).isEqualTo(8);
        assertThat(json(refused).get("message").asText()).contains("requests_per_minute (1)");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    }

    @Test
    void exceedingTheMonthlyQuotaGives429NamingTheQuota() {
        TestServer.Client client = newClient("inference");
        server.send("PUT", "/v1/admin/accounts/" + client.account() + "/limits", admin,
                "{\"monthly_generated_tokens\": 5}");
        String token = server.token(client.id(), client.secret());

        HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, body(client.account(), token));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("message").asText()).contains("monthly_generated_tokens quota (5:");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void theUsageRecordIsCompleteWhenTheStreamsLastLineArrives() {
        TestServer.Client client = newClient("inference");
        String token = server.token(client.id(), client.secret());

        TestServer.Stream stream = server.stream(token, body(client.account(), token));
        String requestId = stream.response().headers().firstValue("X-Request-ID").orElseThrow();
        JsonNode records = json(server.send("GET", "/v1/admin/usage/records?request_id=" + requestId, admin, null))
                .get("records");

        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.get("status").asText()).isEqualTo("finished");
        assertThat(record.get("client_id").asText()).isEqualTo(client.id());
        assertThat(record.get("product_name").asText()).isEqualTo(stream.lines().isEmpty() ? "" :
                json(server.get("/v1/maas/models", token)).get("models").get(0).get("product_name").asText());
        assertThat(record.get("generated_tokens").asInt())
                .isEqualTo(stream.last().get("details").get("generated_tokens").asInt());
        assertThat(record.get("prompt_tokens").asInt()).isPositive();
        assertThat(record.get("finish_reason").asText()).startsWith("FINISH_REASON_");
        assertThat(record.get("time_to_first_token_ms").isNumber()).isTrue();
        assertThat(record.get("duration_ms").isNumber()).isTrue();
    }

    @Test
    void theWholeResultRouteIsMeteredLikeTheStream() {
        TestServer.Client client = newClient("inference");
        String token = server.token(client.id(), client.secret());

        HttpResponse<String> whole = server.post("/v1/maas/generate", token, body(client.account(), token));
        JsonNode records = json(server.send("GET", "/v1/admin/usage/records?request_id="
                + json(whole).get("requestID").asText(), admin, null)).get("records");

        assertThat(records.get(0).get("status").asText()).isEqualTo("finished");
        assertThat(records.get(0).get("generated_tokens").asInt())
                .isEqualTo(json(whole).get("details").get("generated_tokens").asInt());
    }

    @Test
    void dailyUsageSumsTheAccountsRequestsPerProduct() {
        TestServer.Client client = newClient("inference");
        String token = server.token(client.id(), client.secret());
        int generated = 0;
        for (int i = 0; i < 2; i++) {
            generated += server.stream(token, body(client.account(), token)).last().get("details")
                    .get("generated_tokens").asInt();
        }

        JsonNode usage = json(server.send("GET", "/v1/admin/usage?account=" + client.account(), admin, null)).get("usage");

        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).get("requests").asInt()).isEqualTo(2);
        assertThat(usage.get(0).get("finished").asInt()).isEqualTo(2);
        assertThat(usage.get(0).get("generated_tokens").asInt()).isEqualTo(generated);
        assertThat(usage.get(0).get("day").asText()).isEqualTo(CLOCK.instant().toString().substring(0, 10));
    }

    @Test
    void usageQueriesWithAMalformedDayOrUnknownFilterAreRefused() {
        assertThat(server.send("GET", "/v1/admin/usage?from=yesterday", admin, null).statusCode()).isEqualTo(400);
        assertThat(server.send("GET", "/v1/admin/usage?acount=1", admin, null).statusCode()).isEqualTo(400);
        assertThat(server.send("GET", "/v1/admin/usage?account=999999999998", admin, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aRotatedSigningKeyKeepsEarlierTokensValidAndSignsNewOnes() {
        String before = server.token();

        HttpResponse<String> rotated = server.send("POST", "/v1/admin/signing-keys/rotate", admin, null);
        String after = server.token();

        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(json(rotated).get("keys").size()).isGreaterThanOrEqualTo(2);
        assertThat(kid(after)).isNotEqualTo(kid(before));
        assertThat(server.get("/v1/maas/models", before).statusCode()).isEqualTo(200);
        assertThat(server.get("/v1/maas/models", after).statusCode()).isEqualTo(200);
    }

    static String kid(String jwt) {
        return TestServer.json(new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[0]))).get("kid").asText();
    }

    static String body(String account, String token) {
        JsonNode product = json(server.get("/v1/maas/models", admin)).get("models").get(0);
        return """
                {"model": "%s", "request": {"prompt": "Once upon a time", "params": {"max_new_tokens": 8, "temperature": 0}},
                 "cloudAccountId": "%s", "productName": "%s", "productId": "%s"}"""
                .formatted(product.get("model_name").asText(), account, product.get("product_name").asText(),
                        product.get("product_id").asText());
    }

    static String name() {
        return "team-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
    }

    static String newAccount() {
        return server.newAccount();
    }

    static TestServer.Client newClient(String scope) {
        return server.newClient(scope);
    }

    static JsonNode json(HttpResponse<String> response) {
        return TestServer.json(response.body());
    }
}
