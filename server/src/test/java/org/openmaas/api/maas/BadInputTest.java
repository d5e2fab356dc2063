package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Every kind of bad input gets a §2.4 error body (gRPC code, a message naming what was wrong and what is allowed)
 * before any streaming starts, and the server keeps serving.
 */
class BadInputTest {

    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static TestServer server;
    static String token;
    static String valid;

    @BeforeAll
    static void start() {
        server = TestServer.serving(CLOCK, TestServer.product(TestServer.SCRIPTED_PRODUCT, ScriptedEngine.builder().build()));
        token = server.token();
        valid = server.body("Once upon a time", "{\"max_new_tokens\": 5}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                bad("malformed JSON", b -> b.substring(0, b.length() - 3), 400, "not valid JSON"),
                bad("an empty body", b -> "", 400, "empty"),
                bad("a field given twice", b -> b.replaceFirst("\\{", "{\"productName\": \"other\", "), 400, "Duplicate field 'productName'"),
                bad("a JSON array", b -> "[1, 2]", 400, "wrong type"),
                bad("prompt of the wrong type", b -> b.replaceFirst("\"prompt\": \"[^\"]*\"", "\"prompt\": 42"), 400, "request.prompt"),
                bad("max_new_tokens as a string", params("{\"max_new_tokens\": \"5\"}"), 400, "max_new_tokens"),
                bad("max_new_tokens as a fraction", params("{\"max_new_tokens\": 5.5}"), 400, "max_new_tokens"),
                bad("an unknown top-level field", b -> b.replaceFirst("\\{", "{\"stream\": true, "), 400, "unknown field 'stream'"),
                bad("an unknown parameter", params("{\"max_tokens\": 5}"), 400, "unknown field 'max_tokens'"),
                bad("an empty prompt", b -> b.replaceFirst("\"prompt\": \"[^\"]*\"", "\"prompt\": \"\""), 400, "prompt is required"),
                bad("a missing prompt", b -> b.replaceFirst("\"prompt\": \"[^\"]*\", ", ""), 400, "prompt is required"),
                bad("a missing request", b -> b.replaceFirst("\"request\": \\{.*?\\}\\}, ", ""), 400, "request is required"),
                bad("max_new_tokens of 0", params("{\"max_new_tokens\": 0}"), 400, "max_new_tokens must be between 1 and"),
                bad("negative max_new_tokens", params("{\"max_new_tokens\": -3}"), 400, "max_new_tokens must be between 1 and"),
                bad("max_new_tokens beyond the context", params("{\"max_new_tokens\": 100000000}"), 400, "max_new_tokens must be between 1 and"),
                bad("negative temperature", params("{\"temperature\": -0.5}"), 400, "temperature must be between 0 and 100"),
                bad("NaN temperature", params("{\"temperature\": NaN}"), 400, "temperature must be between 0 and 100, got NaN"),
                bad("infinite temperature", params("{\"temperature\": Infinity}"), 400, "temperature must be"),
                bad("top_p of 0", params("{\"top_p\": 0}"), 400, "top_p must be greater than 0 and at most 1"),
                bad("top_p above 1", params("{\"top_p\": 1.5}"), 400, "top_p must be greater than 0 and at most 1"),
                bad("typical_p above 1", params("{\"typical_p\": 2}"), 400, "typical_p must be"),
                bad("negative top_k", params("{\"top_k\": -1}"), 400, "top_k must be between 0 and"),
                bad("top_k beyond the vocabulary", params("{\"top_k\": 100000000}"), 400, "top_k must be between 0 and"),
                bad("repetition_penalty of 0", params("{\"repetition_penalty\": 0}"), 400, "repetition_penalty must be greater than 0"),
                bad("frequency_penalty beyond 2", params("{\"frequency_penalty\": 3}"), 400, "frequency_penalty must be between -2 and 2"),
                bad("top_n_tokens above 5", params("{\"top_n_tokens\": 6}"), 400, "top_n_tokens must be between 0 and 5"),
                bad("a negative seed", params("{\"seed\": -1}"), 400, "seed"),
                bad("a seed beyond 64 bits", params("{\"seed\": 18446744073709551616}"), 400, "seed must be between 0 and"),
                bad("a fractional seed", params("{\"seed\": 1.5}"), 400, "seed"),
                bad("truncate of 0", params("{\"truncate\": 0}"), 400, "truncate must be between 1 and"),
                bad("too many stop sequences", params("{\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}"), 400, "at most 4"),
                bad("an empty stop sequence", params("{\"stop\": [\"\"]}"), 400, "stop[0] is empty"),
                bad("a long stop sequence", params("{\"stop\": [\"" + "x".repeat(101) + "\"]}"), 400, "stop[0] has 101 characters"),
                bad("stop as a string", params("{\"stop\": \"end\"}"), 400, "stop"),
                bad("a prompt longer than the context", b -> b.replaceFirst("\"prompt\": \"[^\"]*\"",
                        "\"prompt\": \"" + "once upon a time there was a girl ".repeat(800) + "\""), 400, "more than the context"),
                bad("a body over the size limit", b -> b.replaceFirst("\"prompt\": \"[^\"]*\"",
                        "\"prompt\": \"" + "a".repeat(MaasApi.MAX_BODY_BYTES) + "\""), 400, "larger than the limit of 1048576 bytes"),
                bad("a product id that belongs to no product", b -> b.replaceFirst("\"productId\": \"[^\"]*\"",
                        "\"productId\": \"00000000-0000-0000-0000-000000000000\""), 400, "does not match product"),
                bad("a model that is not the product's", b -> b.replaceFirst("\"model\": \"[^\"]*\"",
                        "\"model\": \"someone/else\""), 400, "model 'someone/else' does not match product"),
                bad("an unknown product", b -> b.replaceFirst("\"productName\": \"[^\"]*\"",
                        "\"productName\": \"maas-model-nope\""), 404, "product 'maas-model-nope' is not in the catalog"),
                bad("a missing productName", b -> b.replaceFirst("\"productName\": \"[^\"]*\",?", ""), 400, "productName"),
                bad("another account's cloudAccountId", b -> b.replace(TestServer.ACCOUNT, "999999999999"), 403,
                        "is not the cloud account of this token's client"),
                bad("another account's cloudAccountId and an unknown product", b -> b.replace(TestServer.ACCOUNT,
                        "999999999999").replaceFirst("\"productName\": \"[^\"]*\"", "\"productName\": \"maas-model-nope\""),
                        403, "is not the cloud account of this token's client"),
                bad("another account's cloudAccountId and a prompt longer than the context", b -> b.replace(
                        TestServer.ACCOUNT, "999999999999").replaceFirst("\"prompt\": \"[^\"]*\"", "\"prompt\": \""
                        + "once upon a time there was a girl ".repeat(800) + "\""), 403,
                        "is not the cloud account of this token's client"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void aBadBodyIsRefusedWithAClearError(String what, UnaryOperator<String> mutation, int status, String message) {
        HttpResponse<String> response = server.post("/v1/maas/generatestream", token, mutation.apply(valid));

        assertError(response, status, message);
    }

    @Test
    void generateRefusesBadInputTheSameWay() {
        assertError(server.post("/v1/maas/generate", token, params("{\"top_p\": 7}").apply(valid)), 400, "top_p");
    }

    @Test
    void aMissingTokenIsUnauthenticated() {
        assertError(server.post("/v1/maas/generatestream", null, valid), 401, "Authorization header is missing");
        assertError(server.get("/v1/maas/models", null), 401, "Authorization header is missing");
    }

    @Test
    void aTamperedTokenIsUnauthenticated() {
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

        assertError(server.post("/v1/maas/generatestream", tampered, valid), 401, "signature");
    }

    @Test
    void anUnsignedTokenIsUnauthenticated() {
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().issuer("openmaas").audience("openmaas-api")
                .claim("client_id", TestServer.CLIENT_ID).claim("cloud_account_id", TestServer.ACCOUNT)
                .claim("scope", "inference").build()).serialize();

        assertError(server.get("/v1/maas/models", unsigned), 401, "not a signed JWT");
    }

    @Test
    void anExpiredTokenIsUnauthenticated() {
        String old = server.token();
        CLOCK.advance(Duration.ofHours(2));
        try {
            assertError(server.get("/v1/maas/models", old), 401, "expired");
        } finally {
            CLOCK.advance(Duration.ofHours(-2));
        }
    }

    @Test
    void aBasicHeaderIsNotABearerToken() {
        var request = java.net.http.HttpRequest.newBuilder(server.uri("/v1/maas/models"))
                .header("Authorization", TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET)).GET().build();

        HttpResponse<String> response = send(request);

        assertError(response, 401, "must be 'Bearer <token>'");
    }

    @Test
    void aTokenWithoutTheInferenceScopeMayNotGenerate() {
        assertError(server.post("/v1/maas/generatestream", adminOnlyToken(), valid), 403, "'inference' scope");
    }

    @Test
    void aTokenWithoutTheInferenceScopeIsRefusedBeforeTheBodyIsLookedAt() {
        String adminOnly = adminOnlyToken();
        String megabytePrompt = valid.replaceFirst("\"prompt\": \"[^\"]*\"",
                "\"prompt\": \"" + "once upon a time ".repeat(MaasApi.MAX_BODY_BYTES / 17 - 20) + "\"");

        assertError(server.post("/v1/maas/generatestream", adminOnly, megabytePrompt), 403, "'inference' scope");
        assertError(server.post("/v1/maas/generate", adminOnly, "this is not JSON"), 403, "'inference' scope");
    }

    @Test
    void aProductTheAccountMayNotUseIsForbiddenWhetherItExistsOrNot() {
        TestServer.Client client = server.newClient("inference");
        HttpResponse<String> set = server.send("PUT", "/v1/admin/accounts/" + client.account() + "/entitlements",
                token, "{\"products\": []}");
        String theirs = server.token(client.id(), client.secret());
        String existing = valid.replace(TestServer.ACCOUNT, client.account());
        String unknown = existing.replaceFirst("\"productName\": \"[^\"]*\"", "\"productName\": \"maas-model-nope\"");

        assertThat(set.statusCode()).isEqualTo(200);
        assertError(server.post("/v1/maas/generatestream", theirs, existing), 403, "is not entitled to product maas-model-");
        assertError(server.post("/v1/maas/generatestream", theirs, unknown), 403,
                "is not entitled to product maas-model-nope");
    }

    @Test
    void aMaasPathWithoutV1SaysToAddIt() {
        assertError(server.post("/maas/generatestream", token, valid), 404,
                "no such endpoint: POST /maas/generatestream; the API is under /v1: POST /v1/maas/generatestream "
                        + "(the MaaS API's base URL is this server's URL followed by /v1/maas)");
    }

    @Test
    void theServerKeepsServingAfterEveryKindOfBadInput() {
        badBodies().forEach(args -> {
            @SuppressWarnings("unchecked")
            UnaryOperator<String> mutation = (UnaryOperator<String>) args.get()[1];
            server.post("/v1/maas/generatestream", token, mutation.apply(valid));
        });

        TestServer.Stream stream = server.stream(token, valid);

        assertThat(stream.response().statusCode()).isEqualTo(200);
        assertThat(stream.last().has("details")).isTrue();
    }

    private static String adminOnlyToken() {
        return TestServer.json(server.tokenRequest("grant_type=client_credentials&scope=admin",
                TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET)).body()).get("access_token").asText();
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        JsonNode body = TestServer.json(response.body());
        assertThat(body.get("code").asInt()).isEqualTo(grpcCode(status));
        assertThat(body.get("message").asText()).contains(message).doesNotContain("Exception").doesNotContain("at org.");
        assertThat(body.get("details").isArray()).isTrue();
    }

    private static int grpcCode(int status) {
        return switch (status) {
            case 400 -> 3;
            case 401 -> 16;
            case 403 -> 7;
            case 404 -> 5;
            default -> throw new IllegalArgumentException("no code for " + status);
        };
    }

    private static UnaryOperator<String> params(String params) {
        return b -> b.replaceFirst("\"params\": \\{[^}]*\\}", "\"params\": " + java.util.regex.Matcher.quoteReplacement(params));
    }

    private static Arguments bad(String what, UnaryOperator<String> mutation, int status, String message) {
        return Arguments.of(what, mutation, status, message);
    }

    private static HttpResponse<String> send(java.net.http.HttpRequest request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
