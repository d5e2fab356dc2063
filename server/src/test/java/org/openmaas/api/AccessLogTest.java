package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.AccessLogRecorder;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * The access log is one JSON object a line. What a client sends (its claimed client id, the path, a body's fields)
 * reaches it only inside a JSON string, so no request can write a line of its own; and what the client has not
 * proven (an unauthenticated client id, an unvalidated product) is not logged as fact.
 */
class AccessLogTest {

    /** A record as the access log writes it, to be smuggled into one. */
    private static final String FORGED = "2026-12-04T10:00:00.000 INFO org.openmaas.access: {\"request_id\":\"FORGED\","
            + "\"status\":200,\"client\":\"rel-admin\"}";

    @AutoClose
    static final TestServer server = TestServer.scripted(ScriptedEngine.builder().build());
    static final String token = server.token();
    static final String valid = server.body("Once upon a time", "{\"max_new_tokens\": 2}");

    @Test
    void aForgedClientIdIsLoggedAsClaimedInsideOneRecord() throws InterruptedException {
        String clientId = "x\r\n" + FORGED + "\u2028\u0085";
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            int status = server.tokenRequest("grant_type=client_credentials&client_id=" + encode(clientId)
                    + "&client_secret=wrong", null).statusCode();

            JsonNode record = onlyRecord(log, "POST", "/oauth2/token", 401);
            assertThat(status).isEqualTo(401);
            assertThat(record.get("claimed_client").asText()).isEqualTo(clientId);
            assertThat(record.get("client").isNull()).as("an unauthenticated client is not the client").isTrue();
        }
    }

    @Test
    void aClientIsLoggedAsTheClientOnceItHasAuthenticated() throws InterruptedException {
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            server.token();

            JsonNode record = onlyRecord(log, "POST", "/oauth2/token", 200);
            assertThat(record.get("client").asText()).isEqualTo(TestServer.CLIENT_ID);
        }
    }

    @Test
    void aPathWithEncodedLineBreaksStaysInsideItsString() throws InterruptedException {
        String path = "/fault\r\n" + FORGED;
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            int status = server.get(encodePath(path), null).statusCode();

            JsonNode record = onlyRecord(log, "GET", path, 404);
            assertThat(status).isEqualTo(404);
            assertThat(record.get("path").asText()).isEqualTo(path);
            assertThat(record.get("request_id").asText()).isNotEqualTo("FORGED");
        }
    }

    @Test
    void aProductNameIsNotLoggedBeforeValidationHasFoundIt() throws InterruptedException {
        String productName = "x\n" + FORGED;
        String body = valid.replace("\"productName\": \"" + TestServer.SCRIPTED_PRODUCT + "\"",
                "\"productName\": " + TestServer.quote(productName));
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            int status = server.post("/v1/maas/generate", token, body).statusCode();

            JsonNode record = onlyRecord(log, "POST", "/v1/maas/generate", 404);
            assertThat(status).as("the account may use any product; this one is not in the catalog").isEqualTo(404);
            assertThat(record.get("product").isNull()).isTrue();
            assertThat(record.get("client").asText()).isEqualTo(TestServer.CLIENT_ID);
        }
    }

    @Test
    void aValidatedGenerationIsLoggedWithItsProductTokensAndOutcome() throws InterruptedException {
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            int status = server.post("/v1/maas/generate", token, valid).statusCode();

            JsonNode record = onlyRecord(log, "POST", "/v1/maas/generate", 200);
            assertThat(status).isEqualTo(200);
            assertThat(record.get("product").asText()).isEqualTo(TestServer.SCRIPTED_PRODUCT);
            assertThat(record.get("generated_tokens").asInt()).isEqualTo(2);
            assertThat(record.get("outcome").asText()).isNotBlank();
            assertThat(record.get("claimed_client").isNull()).isTrue();
            assertThat(record.fieldNames()).toIterable().containsExactly("request_id", "method", "path", "status",
                    "client", "claimed_client", "product", "prompt_tokens", "generated_tokens", "outcome",
                    "duration_ms");
        }
    }

    /**
     * The one record of the request a test made. Every record the recorder holds is checked to be one line of JSON,
     * also those of requests that a test's set-up finished just before.
     */
    @Test
    void anInviteLinksTokenIsNotLogged() throws InterruptedException {
        String token = "secret-invite-token";
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            server.get("/console/invite/" + token, null);
            server.post("/console/api/invites/" + token + "/accept", null, "{\"password\": \"long enough password\"}");

            onlyRecord(log, "GET", "/console/invite/<token>", 200);
            onlyRecord(log, "POST", "/console/api/invites/<token>/accept", 404);
            assertThat(log.records().toString()).doesNotContain(token);
        }
    }

    private static JsonNode onlyRecord(AccessLogRecorder log, String method, String path, int status)
            throws InterruptedException {
        assertThat(log.await(method, path, status, 1, Duration.ofSeconds(10))).as("the request was logged").isTrue();
        List<JsonNode> records = log.records().stream().filter(r -> r.get("path").asText().equals(path)).toList();
        assertThat(records).hasSize(1);
        return records.getFirst();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String encodePath(String path) {
        return "/" + encode(path.substring(1)).replace("+", "%20");
    }
}
