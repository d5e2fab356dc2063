package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/** A client's own API keys over HTTP: created with its access token, shown once, listed, revoked. */
class ApiKeysApiTest {

    static TestServer server;
    static String token;

    @BeforeAll
    static void start() {
        server = TestServer.scripted(ScriptedEngine.builder().build());
        token = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNewKeyIsShownOnceInTheResponseThatCreatedIt() {
        HttpResponse<String> response = server.post("/v1/api-keys", token, "{\"name\": \"my editor\"}");
        JsonNode key = TestServer.json(response.body());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(key.get("key").asText()).startsWith("sk-").startsWith(key.get("prefix").asText());
        assertThat(key.get("name").asText()).isEqualTo("my editor");
        assertThat(key.get("client_id").asText()).isEqualTo(TestServer.CLIENT_ID);
        assertThat(key.get("cloud_account_id").asText()).isEqualTo(TestServer.ACCOUNT);
    }

    @Test
    void aKeyNeedsNoBody() {
        assertThat(server.post("/v1/api-keys", token, "").statusCode()).isEqualTo(201);
    }

    @Test
    void theListShowsKeysWithoutTheirSecret() {
        String secret = server.apiKey();

        HttpResponse<String> response = server.get("/v1/api-keys", token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(secret).contains(secret.substring(0, 12));
        assertThat(TestServer.json(response.body()).get("data").get(0).has("key")).isFalse();
    }

    @Test
    void aKeyWorksOnBothApis() {
        String key = server.apiKey();

        assertThat(server.get("/v1/models", key).statusCode()).isEqualTo(200);
        assertThat(server.get("/v1/maas/models", key).statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyIsUnauthenticated() {
        JsonNode created = TestServer.json(server.post("/v1/api-keys", token, "{}").body());

        HttpResponse<String> revoked = delete("/v1/api-keys/" + created.get("id").asText(), token);
        HttpResponse<String> after = server.get("/v1/models", created.get("key").asText());

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(revoked.body()).get("deleted").asBoolean()).isTrue();
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(after.body()).get("error").get("message").asText()).contains("revoked");
    }

    @Test
    void revokingAnUnknownKeyIsNotFound() {
        HttpResponse<String> response = delete("/v1/api-keys/key_nope", token);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(response.body()).get("error").get("param").asText()).isEqualTo("id");
    }

    @Test
    void aKeyCannotMakeAnotherKey() {
        String key = server.apiKey();

        HttpResponse<String> response = server.post("/v1/api-keys", key, "{}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(TestServer.json(response.body()).get("error").get("message").asText())
                .contains("an API key cannot create API keys");
    }

    @Test
    void aTokenWithoutTheInferenceScopeCannotMakeAKey() {
        String adminOnly = TestServer.json(server.tokenRequest("grant_type=client_credentials&scope=admin",
                TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET)).body()).get("access_token").asText();

        assertThat(server.post("/v1/api-keys", adminOnly, "{}").statusCode()).isEqualTo(403);
    }

    @Test
    void aNameLongerThan200CharactersIsRefused() {
        HttpResponse<String> response = server.post("/v1/api-keys", token, "{\"name\": \"" + "n".repeat(201) + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response.body()).get("error").get("param").asText()).isEqualTo("name");
    }

    @Test
    void keysNeedAToken() {
        assertThat(server.get("/v1/api-keys", null).statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> delete(String path, String bearer) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(path))
                    .header("Authorization", "Bearer " + bearer).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
