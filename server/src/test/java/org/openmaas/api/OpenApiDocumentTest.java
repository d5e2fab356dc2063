package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openmaas.testing.ConsoleBrowser.API;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ModelInfo;
import org.openmaas.testing.ConsoleBrowser;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * {@code GET /openapi.json} describes the server as it is: every route it documents exists, and the real answers of
 * the main routes — successes and errors, whole and streamed — validate against the schemas it documents for them
 * (JSON Schema 2020-12, OpenAPI 3.1's dialect). The schemas forbid undocumented fields, so a field added to an answer
 * without the document fails here too.
 */
class OpenApiDocumentTest {

    static final String PRODUCT = "maas-model-chat";
    static final String DOCUMENT_IRI = "https://openmaas.invalid/openapi.json";
    /** How the routing's fallback answers a path it has no route for (its 405 aside). */
    static final List<String> NO_ROUTE_MESSAGES = List.of("no such endpoint", "no such admin endpoint", "Invalid URL");

    @AutoClose
    static final TestServer server = TestServer.serving(TestServer.product(PRODUCT,
            ScriptedEngine.builder().model(new ModelInfo("chat", 512, 1000, true)).build()));
    static HttpResponse<String> served;
    static JsonNode document;
    static SchemaRegistry schemas;

    @BeforeAll
    static void readTheDocument() {
        served = server.get("/openapi.json", null);
        document = TestServer.json(served.body());
        schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                registry -> registry.schemas(Map.of(DOCUMENT_IRI, served.body())));
    }

    @Test
    void theDocumentIsOpenApi31ServedAsJsonWithoutAToken() {
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.get("paths").size()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void everyDocumentedRouteExistsOnTheServer() {
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "unknown-id");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (method.equals("parameters")) {
                    continue;
                }
                HttpResponse<String> response = server.send(method.toUpperCase(), concrete, server.token(),
                        method.equals("get") || method.equals("delete") ? null : "{}");
                if (response.statusCode() == 405 || NO_ROUTE_MESSAGES.stream().anyMatch(response.body()::contains)) {
                    missing.add(method.toUpperCase() + " " + path.getKey() + " -> " + response.statusCode() + " "
                            + response.body());
                }
            }
        }
        assertThat(missing).as("documented routes the server does not have").isEmpty();
    }

    @Test
    void theTokenEndpointsAnswersAreDocumented() {
        assertValid("TokenResponse", server.tokenRequest("grant_type=client_credentials",
                TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET)), 200);
        assertValid("OAuthError", server.tokenRequest("grant_type=client_credentials",
                TestServer.basic(TestServer.CLIENT_ID, "not-the-secret")), 401);
    }

    @Test
    void theMaasApisAnswersAreDocumented() {
        String token = server.token();
        assertValid("MaasModelList", server.get("/v1/maas/models", token), 200);
        String sampled = server.body("Once upon a time", "{\"max_new_tokens\": 3, \"top_n_tokens\": 2, \"seed\": 7, "
                + "\"temperature\": 0.7}");

        TestServer.Stream stream = server.stream(token, sampled);
        assertThat(stream.lines()).hasSize(3);
        stream.lines().forEach(line -> assertValid("StreamLine", line));
        assertThat(stream.last().path("generated_text").isTextual()).as("the last line").isTrue();
        assertValid("WholeResult", server.post("/v1/maas/generate", token, sampled), 200);
        assertValid("Error", server.post("/v1/maas/generate", token,
                server.body("Once", "{\"temperature\": 101}")), 400);
        assertValid("Error", server.get("/v1/maas/models", "not-a-token"), 401);
    }

    @Test
    void theOpenAiApisAnswersAreDocumented() {
        String key = server.apiKey();
        assertValid("OpenAiModelList", server.get("/v1/models", key), 200);
        assertValid("OpenAiModel", server.get("/v1/models/" + PRODUCT, key), 200);
        assertValid("OpenAiError", server.get("/v1/models/gpt-4o", key), 404);
        String chat = """
                {"model": "%s", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 3, "logprobs": true,
                 "top_logprobs": 2%s}""";
        assertValid("ChatCompletion", server.post("/v1/chat/completions", key, chat.formatted(PRODUCT, "")), 200);
        events(server.post("/v1/chat/completions", key, chat.formatted(PRODUCT,
                ", \"stream\": true, \"stream_options\": {\"include_usage\": true}")))
                .forEach(chunk -> assertValid("ChatCompletionChunk", chunk));
        String completion = """
                {"model": "%s", "prompt": "Once", "max_tokens": 3, "logprobs": 2%s}""";
        assertValid("TextCompletion", server.post("/v1/completions", key, completion.formatted(PRODUCT, "")), 200);
        events(server.post("/v1/completions", key, completion.formatted(PRODUCT, ", \"stream\": true")))
                .forEach(chunk -> assertValid("TextCompletion", chunk));
        assertValid("OpenAiError", server.post("/v1/completions", key, "{\"model\": \"" + PRODUCT + "\"}"), 400);
    }

    @Test
    void theApiKeyRoutesAnswersAreDocumented() {
        String token = server.token();
        HttpResponse<String> created = server.post("/v1/api-keys", token, "{\"name\": \"documented\"}");
        assertValid("ApiKey", created, 201);
        assertValid("ApiKeyList", server.get("/v1/api-keys", token), 200);
        assertValid("ApiKeyDeleted", server.send("DELETE", "/v1/api-keys/" + TestServer.json(created.body())
                .get("id").asText(), token, null), 200);
    }

    @Test
    void theOperationsAndAdminAnswersAreDocumented() {
        String token = server.token();
        assertValid("Health", server.get("/health", null), 200);
        assertValid("Ready", server.get("/ready", null), 200);
        server.post("/v1/maas/generate", token, server.body("Once", "{\"max_new_tokens\": 2}"));
        assertValid("AccountList", server.get("/v1/admin/accounts", token), 200);
        assertValid("ClientList", server.get("/v1/admin/clients", token), 200);
        assertValid("Entitlements", server.get("/v1/admin/accounts/" + TestServer.ACCOUNT + "/entitlements", token), 200);
        assertValid("AccountLimits", server.get("/v1/admin/accounts/" + TestServer.ACCOUNT + "/limits", token), 200);
        assertValid("ClientLimits", server.get("/v1/admin/clients/" + TestServer.CLIENT_ID + "/limits", token), 200);
        assertValid("UsageList", server.get("/v1/admin/usage", token), 200);
        assertValid("UsageRecordList", server.get("/v1/admin/usage/records", token), 200);
        assertValid("RefusalList", server.get("/v1/admin/usage/refusals", token), 200);
        assertValid("SigningKeyList", server.get("/v1/admin/signing-keys", token), 200);
        assertValid("ProductList", server.get("/v1/admin/products", token), 200);
        assertValid("AdminProduct", server.get("/v1/admin/products/" + PRODUCT, token), 200);
        assertValid("ProductList", server.get("/v1/admin/products", token), 200);
        assertValid("AdminProduct", server.get("/v1/admin/products/" + PRODUCT, token), 200);
        assertValid("Error", server.get("/v1/admin/accounts/999999999999", token), 404);
    }

    @Test
    void theConsolesAnswersAreDocumented() {
        ConsoleBrowser operator = ConsoleBrowser.operator(server);
        String account = API + "/accounts/" + TestServer.ACCOUNT;
        assertValid("ConsoleMe", operator.get(API + "/session"), 200);
        assertValid("ConsoleError", new ConsoleBrowser(server).get(API + "/session"), 401);
        assertValid("ConsoleModelList", operator.get(account + "/models"), 200);
        assertValid("ConsoleSecret", operator.post(account + "/clients", "{\"name\": \"documented\"}"), 201);
        assertValid("ConsoleClientList", operator.get(account + "/clients"), 200);
        assertValid("ConsoleKey", operator.post(account + "/api-keys", "{\"name\": \"documented\"}"), 201);
        assertValid("ConsoleKeyList", operator.get(account + "/api-keys"), 200);
        server.post("/v1/maas/generate", server.token(), server.body("Once", "{\"max_new_tokens\": 2}"));
        assertValid("ConsoleUsage", operator.get(account + "/usage"), 200);
        HttpResponse<String> invited = operator.post(account + "/members",
                "{\"email\": \"documented@example.com\", \"role\": \"member\"}");
        assertValid("ConsoleMember", invited, 201);
        assertValid("ConsoleMemberList", operator.get(account + "/members"), 200);
        assertValid("ConsoleAccountList", operator.get(API + "/operator/accounts"), 200);
        assertValid("ConsoleInvite", operator.post(API + "/operator/users", "{\"email\": \"ops@example.com\"}"), 201);
        assertValid("ConsoleUserList", operator.get(API + "/operator/users"), 200);
        assertValid("ConsoleProductList", operator.get(API + "/operator/products"), 200);
        assertValid("ConsoleMetrics", operator.get(API + "/operator/metrics"), 200);
        assertValid("AdminUserList", server.get("/v1/admin/users", server.token()), 200);
    }

    private static void assertValid(String schema, HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertValid(schema, TestServer.json(response.body()));
    }

    private static void assertValid(String schema, JsonNode answer) {
        Schema documented = schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#/components/schemas/" + schema));
        assertThat(document.at("/components/schemas/" + schema).isMissingNode()).as("schema " + schema + " is documented")
                .isFalse();
        assertThat(documented.validate(answer)).as(schema + " against " + answer).isEmpty();
    }

    /** The JSON events of a server-sent event stream, without its {@code [DONE]}. */
    private static List<JsonNode> events(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith("data: ") && !event.equals("data: [DONE]")) {
                events.add(TestServer.json(event.substring("data: ".length())));
            }
        }
        assertThat(events).isNotEmpty();
        return events;
    }
}
