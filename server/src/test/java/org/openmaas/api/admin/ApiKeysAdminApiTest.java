package org.openmaas.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/** Any client's API keys through the admin API: made, listed without the key, revoked. */
class ApiKeysAdminApiTest {

    static TestServer server;
    static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.scripted(ScriptedEngine.builder().build());
        admin = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aKeyAnAdminMakesForAClientActsAsThatClient() {
        TestServer.Client client = server.newClient("inference");

        HttpResponse<String> created = server.send("POST", "/v1/admin/clients/" + client.id() + "/api-keys", admin,
                "{\"name\": \"ci\"}");
        JsonNode key = TestServer.json(created.body());

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(key.get("client_id").asText()).isEqualTo(client.id());
        assertThat(key.get("cloud_account_id").asText()).isEqualTo(client.account());
        assertThat(server.get("/v1/models", key.get("key").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void theListShowsAClientsKeysWithoutTheKeys() {
        TestServer.Client client = server.newClient("inference");
        String secret = server.apiKey(server.token(client.id(), client.secret()));

        HttpResponse<String> listed = server.send("GET", "/v1/admin/clients/" + client.id() + "/api-keys", admin, null);

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(listed.body()).get("api_keys")).hasSize(1);
        assertThat(listed.body()).doesNotContain(secret).contains(secret.substring(0, 12));
    }

    @Test
    void aKeyAnAdminRevokesStopsWorking() {
        TestServer.Client client = server.newClient("inference");
        JsonNode key = TestServer.json(server.send("POST", "/v1/admin/clients/" + client.id() + "/api-keys", admin,
                null).body());

        HttpResponse<String> revoked = server.send("POST", "/v1/admin/clients/" + client.id() + "/api-keys/"
                + key.get("id").asText() + "/revoke", admin, null);

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(revoked.body()).get("revoked_at").isNull()).isFalse();
        assertThat(server.get("/v1/models", key.get("key").asText()).statusCode()).isEqualTo(401);
    }

    @Test
    void aClientWithoutTheInferenceScopeGetsNoKey() {
        TestServer.Client client = server.newClient("admin");

        HttpResponse<String> refused = server.send("POST", "/v1/admin/clients/" + client.id() + "/api-keys", admin,
                null);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(refused.body()).get("message").asText()).contains("lacks the 'inference' scope");
    }

    @Test
    void anUnknownClientIsNotFound() {
        HttpResponse<String> response = server.send("GET", "/v1/admin/clients/nobody/api-keys", admin, null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(response.body()).get("code").asInt()).isEqualTo(5);
    }

    @Test
    void aTokenWithoutTheAdminScopeMayNotManageOtherClientsKeys() {
        TestServer.Client client = server.newClient("inference");

        HttpResponse<String> refused = server.send("GET", "/v1/admin/clients/" + TestServer.CLIENT_ID + "/api-keys",
                server.token(client.id(), client.secret()), null);

        assertThat(refused.statusCode()).isEqualTo(403);
    }
}
