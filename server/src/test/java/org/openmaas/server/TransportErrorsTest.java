package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A request the HTTP server refuses before routing (here: headers over its 16 KiB) gets a JSON error body in its
 * route's shape, saying what is allowed, like every other refusal: not Helidon's empty 400.
 */
class TransportErrorsTest {

    static final Duration HANG = Duration.ofSeconds(30);
    static final Map<String, String> HUGE_HEADER = Map.of("Authorization", "Basic " + "x".repeat(20_000),
            "Content-Type", "application/json");

    @AutoClose
    static final TestServer server = TestServer.scripted(ScriptedEngine.builder().script(Script.words(1, FinishReason.LENGTH)).build());

    @Test
    void theTokenRouteAnswersWithAnOAuthError() {
        HttpResponse<String> response = server.post("/oauth2/token", HUGE_HEADER, new byte[0], HANG);

        JsonNode body = refusedAsJson(response);
        assertThat(body.path("error").asText()).isEqualTo("invalid_request");
        assertThat(body.path("error_description").asText()).contains("headers over 16 KiB");
    }

    @Test
    void theOpenAiRoutesAnswerInOpenAisShape() {
        HttpResponse<String> response = server.post("/v1/chat/completions", HUGE_HEADER, new byte[0], HANG);

        JsonNode body = refusedAsJson(response);
        assertThat(body.path("error").path("message").asText()).contains("headers over 16 KiB");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void theMaasRoutesAnswerInTheGuidesShape() {
        HttpResponse<String> response = server.post("/v1/maas/generate", HUGE_HEADER, new byte[0], HANG);

        JsonNode body = refusedAsJson(response);
        assertThat(body.path("code").asInt()).isEqualTo(3); // INVALID_ARGUMENT
        assertThat(body.path("message").asText()).contains("headers over 16 KiB");
    }

    private static JsonNode refusedAsJson(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return TestServer.json(response.body());
    }
}
