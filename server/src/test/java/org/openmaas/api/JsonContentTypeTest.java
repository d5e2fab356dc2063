package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Every route that reads a JSON body refuses a body that says it is something else with 415, in its API's error
 * shape, before reading it; a body that says nothing about its type is read as JSON.
 */
class JsonContentTypeTest {

    @AutoClose
    static final TestServer server = TestServer.scripted(ScriptedEngine.builder().build());
    static final String token = server.token();
    static final String generateBody = server.body("Once upon a time", "{\"max_new_tokens\": 2}");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(strings = {"/v1/maas/generate", "/v1/maas/generatestream", "/v1/admin/accounts"})
    void theMaasAndAdminApisAnswer415WithTheirErrorBody(String path) {
        HttpResponse<String> response = post(path, "text/plain", generateBody);

        JsonNode error = TestServer.json(response.body());
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(error.get("code").asInt()).isEqualTo(ErrorTable.INVALID_ARGUMENT);
        assertThat(error.get("message").asText()).contains("'text/plain'", "application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/completions", "/v1/api-keys"})
    void theOpenAiApiAnswers415WithItsErrorBody(String path) {
        HttpResponse<String> response = post(path, "application/x-www-form-urlencoded", "model=x&prompt=y");

        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("'application/x-www-form-urlencoded'", "application/json");
    }

    @Test
    void jsonInAnotherCharsetIsRefusedRatherThanMisread() {
        HttpResponse<String> response = post("/v1/maas/generate", "application/json; charset=iso-8859-1", generateBody);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(TestServer.json(response.body()).get("message").asText()).contains("charset=utf-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "Application/JSON; charset=UTF-8", "application/json;charset=\"utf-8\""})
    void jsonIsAcceptedWithOrWithoutItsCharset(String contentType) {
        assertThat(post("/v1/maas/generate", contentType, generateBody).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsJson() {
        assertThat(post("/v1/maas/generate", null, generateBody).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> post(String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
