package org.openmaas.api.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openmaas.testing.TestServer.CLIENT_ID;
import static org.openmaas.testing.TestServer.CLIENT_SECRET;
import static org.openmaas.testing.TestServer.basic;
import static org.openmaas.testing.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/** {@code POST /oauth2/token} over HTTP: the client-credentials grant and its RFC 6749 refusals. */
class TokenEndpointTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.scripted(ScriptedEngine.builder().build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void basicAuthenticationGetsABearerTokenThatIsNotCached() {
        HttpResponse<String> response = server.tokenRequest("grant_type=client_credentials", basic(CLIENT_ID, CLIENT_SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(response.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asInt()).isEqualTo(3600);
        assertThat(body.get("access_token").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(body.get("scope").asText().split(" ")).containsExactlyInAnyOrder("inference", "admin");
    }

    @Test
    void formFieldsAuthenticateTheClientToo() {
        HttpResponse<String> response = server.tokenRequest(
                "grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret=" + CLIENT_SECRET, null);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestedScopeNarrowsTheToken() {
        HttpResponse<String> response = server.tokenRequest("grant_type=client_credentials&scope=inference",
                basic(CLIENT_ID, CLIENT_SECRET));

        assertThat(json(response.body()).get("scope").asText()).isEqualTo("inference");
    }

    @Test
    void aWrongSecretIsInvalidClientWithABasicChallenge() {
        HttpResponse<String> response = server.tokenRequest("grant_type=client_credentials", basic(CLIENT_ID, "wrong-secret"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(json(response.body()).get("error").asText()).isEqualTo("invalid_client");
        assertThat(response.body()).doesNotContain("wrong-secret");
    }

    @Test
    void noClientAuthenticationIsInvalidClient() {
        HttpResponse<String> response = server.tokenRequest("grant_type=client_credentials", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void anotherGrantTypeIsUnsupported() {
        HttpResponse<String> response = server.tokenRequest("grant_type=password&username=a&password=b",
                basic(CLIENT_ID, CLIENT_SECRET));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response.body());
        assertThat(body.get("error").asText()).isEqualTo("unsupported_grant_type");
        assertThat(body.get("error_description").asText()).contains("client_credentials");
    }

    @Test
    void aMissingGrantTypeIsAnInvalidRequest() {
        HttpResponse<String> response = server.tokenRequest("scope=inference", basic(CLIENT_ID, CLIENT_SECRET));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void anUnknownScopeIsAnInvalidScope() {
        HttpResponse<String> response = server.tokenRequest("grant_type=client_credentials&scope=everything",
                basic(CLIENT_ID, CLIENT_SECRET));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void aJsonBodyIsAnInvalidRequestNamingTheRequiredEncoding() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Content-Type", "application/json")
                .header("Authorization", basic(CLIENT_ID, CLIENT_SECRET))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build();

        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("error_description").asText()).contains("application/x-www-form-urlencoded");
    }
}
