package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Await;
import org.openmaas.testing.Gate;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * {@code /v1/admin/products}: products added, changed and removed while the server runs, each loaded by the real
 * model loader (stories260K) in the background; a change never cuts a stream, and a removal refuses new requests.
 */
class ProductsAtRunTimeTest {

    private static final String SCRIPTED = TestServer.SCRIPTED_PRODUCT;

    final Gate gate = new Gate();
    final ScriptedEngine scripted = ScriptedEngine.builder()
            .script(Script.builder().text("Once").hold(gate).text(" upon").finish(FinishReason.LENGTH))
            .build();
    TestServer server;

    @AfterEach
    void stop() {
        gate.open();
        server.close();
    }

    @Test
    void anAddedProductLoadsInTheBackgroundThenServesAndIsListed() throws Exception {
        server = TestServer.scripted(scripted);
        String token = server.token();

        HttpResponse<String> added = server.post("/v1/admin/products", token, """
                {"product_name": "maas-model-added", "model": "%s", "slots": 2}""".formatted(stories()));

        assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
        assertThat(json(added).path("state").asText()).isIn("loading", "serving");
        awaitState(token, "maas-model-added", "serving");
        JsonNode product = json(server.get("/v1/admin/products/maas-model-added", token));
        assertThat(product.path("slots").asInt()).isEqualTo(2);
        assertThat(product.path("serving").asBoolean()).isTrue();
        TestServer.Stream stream = server.stream(token, body(token, "maas-model-added", 4));
        assertThat(stream.response().statusCode()).as(stream.response().body()).isEqualTo(200);
        assertThat(stream.last().at("/details/finish_reason").asText()).isEqualTo("FINISH_REASON_LENGTH");
        assertThat(server.get("/v1/models", server.apiKey()).body()).contains("maas-model-added");
        JsonNode ready = json(server.get("/ready", null));
        assertThat(ready.path("products").asInt()).isEqualTo(2);
        assertThat(ready.path("product_states")).extracting(s -> s.path("product_name").asText() + " "
                + s.path("state").asText()).containsExactly(SCRIPTED + " serving", "maas-model-added serving");
    }

    @Test
    void aChangedProductSwapsInWhileTheStreamOnTheOldEngineCompletes() throws Exception {
        server = TestServer.scripted(scripted);
        String token = server.token();
        BufferedReader old = open(token, body(token, SCRIPTED, 5));
        assertThat(old.readLine()).contains("Once");
        gate.awaitReached();

        HttpResponse<String> changed = server.send("PUT", "/v1/admin/products/" + SCRIPTED, token, """
                {"model": "%s", "model_name": "scripted/%s", "slots": 3}""".formatted(stories(), SCRIPTED));

        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(202);
        awaitState(token, SCRIPTED, "serving");
        assertThat(json(server.get("/v1/admin/products/" + SCRIPTED, token)).path("slots").asInt()).isEqualTo(3);
        TestServer.Stream onNew = server.stream(token, body(token, SCRIPTED, 3));
        assertThat(onNew.response().statusCode()).as(onNew.response().body()).isEqualTo(200);
        assertThat(scripted.submitted()).as("the new request reached the new engine").hasSize(1);
        assertThat(scripted.isClosed()).as("the old engine drains before it closes").isFalse();

        gate.open();

        assertThat(lastLine(old).at("/result/response/details/finish_reason").asText())
                .isEqualTo("FINISH_REASON_LENGTH");
        Await.until(scripted::isClosed);
    }

    @Test
    void aRemovedProductRefusesNewRequestsAtOnceAndLeavesTheListings() throws Exception {
        server = TestServer.scripted(scripted);
        String token = server.token();
        String request = body(token, SCRIPTED, 3);
        BufferedReader running = open(token, request);
        assertThat(running.readLine()).contains("Once");
        gate.awaitReached();

        HttpResponse<String> removed = server.send("DELETE", "/v1/admin/products/" + SCRIPTED, token, null);

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);
        HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, request);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
        assertThat(json(server.get("/v1/maas/models", token)).path("models")).isEmpty();
        assertThat(server.get("/v1/admin/products/" + SCRIPTED, token).statusCode()).isEqualTo(404);
        assertThat(server.get("/ready", null).statusCode()).as("no product serves").isEqualTo(503);
        gate.open();
        assertThat(lastLine(running).at("/result/response/details/finish_reason").asText())
                .isEqualTo("FINISH_REASON_LENGTH");
        Await.until(scripted::isClosed);
    }

    @Test
    void aProductThatCannotLoadIsListedAsFailedWithWhy() throws Exception {
        server = TestServer.scripted(scripted);
        String token = server.token();

        HttpResponse<String> added = server.post("/v1/admin/products", token,
                "{\"product_name\": \"maas-model-missing\", \"model\": \"/nonexistent/missing.gguf\"}");

        assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
        awaitState(token, "maas-model-missing", "failed");
        JsonNode product = json(server.get("/v1/admin/products/maas-model-missing", token));
        assertThat(product.path("error").asText()).contains("/nonexistent/missing.gguf");
        assertThat(product.path("serving").asBoolean()).isFalse();
        assertThat(server.get("/ready", null).statusCode()).as("the others still serve").isEqualTo(200);
    }

    @Test
    void aChangeThatCannotLoadLeavesThePreviousConfigurationServing() throws Exception {
        server = TestServer.scripted(ScriptedEngine.builder().build());
        String token = server.token();

        HttpResponse<String> changed = server.send("PUT", "/v1/admin/products/" + SCRIPTED, token,
                "{\"model\": \"/nonexistent/changed.gguf\"}");

        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(202);
        awaitState(token, SCRIPTED, "failed");
        JsonNode product = json(server.get("/v1/admin/products/" + SCRIPTED, token));
        assertThat(product.path("serving").asBoolean()).isTrue();
        assertThat(product.path("error").asText()).contains("/nonexistent/changed.gguf");
        TestServer.Stream stream = server.stream(token, body(token, SCRIPTED, 2));
        assertThat(stream.response().statusCode()).as(stream.response().body()).isEqualTo(200);
    }

    @Test
    void aMistakeInTheEntryIsRefusedWithTheCatalogsMessageAndNothingChanges() {
        server = TestServer.scripted(scripted);
        String token = server.token();

        HttpResponse<String> unknownKey = server.post("/v1/admin/products", token,
                "{\"product_name\": \"maas-model-x\", \"model\": \"x.gguf\", \"slot\": 2}");
        HttpResponse<String> empty = server.post("/v1/admin/products", token, "");
        HttpResponse<String> notAnEntry = server.post("/v1/admin/products", token, "[1, 2]");
        HttpResponse<String> taken = server.post("/v1/admin/products", token,
                "{\"product_name\": \"" + SCRIPTED + "\", \"model\": \"x.gguf\"}");
        HttpResponse<String> renamed = server.send("PUT", "/v1/admin/products/" + SCRIPTED, token,
                "{\"product_name\": \"maas-model-other\", \"model\": \"x.gguf\"}");
        HttpResponse<String> unknown = server.send("PUT", "/v1/admin/products/maas-model-nope", token,
                "{\"model\": \"x.gguf\"}");

        assertThat(unknownKey.statusCode()).isEqualTo(400);
        assertThat(json(unknownKey).path("message").asText()).contains("product (maas-model-x): unknown key 'slot'",
                "slots");
        assertThat(json(empty).path("message").asText()).contains("the entry is empty; give at least product_name");
        assertThat(json(notAnEntry).path("message").asText()).contains("one catalog entry, an object of keys");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(json(taken).path("message").asText()).contains("already exists", "PUT /v1/admin/products/");
        assertThat(renamed.statusCode()).isEqualTo(400);
        assertThat(json(renamed).path("message").asText()).contains("differs from " + SCRIPTED);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(server.get("/v1/admin/products", token)).path("products")).extracting(
                p -> p.path("product_name").asText() + " " + p.path("state").asText())
                .containsExactly(SCRIPTED + " serving");
    }

    private static Path stories() {
        return TestModels.tiny().getFirst().toAbsolutePath();
    }

    private void awaitState(String token, String product, String state) throws InterruptedException {
        Await.until(() -> json(server.get("/v1/admin/products/" + product, token)).path("state").asText()
                .equals(state));
    }

    /** A generatestream body for {@code product}, named as {@code /v1/maas/models} lists it. */
    private String body(String token, String product, int maxNewTokens) {
        JsonNode listed = null;
        for (JsonNode model : json(server.get("/v1/maas/models", token)).path("models")) {
            if (model.path("product_name").asText().equals(product)) {
                listed = model;
            }
        }
        assertThat(listed).as(product + " is listed").isNotNull();
        return """
                {"model": "%s", "request": {"prompt": "Once", "params": {"max_new_tokens": %d}},
                 "cloudAccountId": "%s", "productName": "%s", "productId": "%s"}"""
                .formatted(listed.path("model_name").asText(), maxNewTokens, TestServer.ACCOUNT, product,
                        listed.path("product_id").asText());
    }

    private BufferedReader open(String token, String body) {
        HttpResponse<java.io.InputStream> response = server.open(token, body);
        assertThat(response.statusCode()).isEqualTo(200);
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    private static JsonNode lastLine(BufferedReader stream) throws Exception {
        JsonNode last = null;
        for (String line = stream.readLine(); line != null; line = stream.readLine()) {
            if (!line.isBlank()) {
                last = TestServer.json(line);
            }
        }
        return last;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return TestServer.json(response.body());
    }
}
