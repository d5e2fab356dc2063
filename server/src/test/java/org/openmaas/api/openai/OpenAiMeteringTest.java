package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestServer;

/**
 * The OpenAI routes count against the same entitlements, limits and usage records as the MaaS API: each client here
 * is new, so its limits and records are its own.
 */
class OpenAiMeteringTest {

    static ChatAndRawModels models;
    static TestServer server;

    @BeforeAll
    static void start() {
        models = ChatAndRawModels.scripted();
        server = models.server();
    }

    @AfterAll
    static void stop() {
        models.close();
    }

    @Test
    void aChatCompletionIsRecordedAsUsageWithItsCounts() {
        String key = keyOfNewClient();

        HttpResponse<String> response = server.post("/v1/chat/completions", key, chat("\"max_tokens\": 3"));
        JsonNode record = record(response);

        JsonNode usage = TestServer.json(response.body()).get("usage");
        assertThat(record.get("status").asText()).isEqualTo("finished");
        assertThat(record.get("product_name").asText()).isEqualTo(models.chatModel());
        assertThat(record.get("prompt_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt());
        assertThat(record.get("generated_tokens").asInt()).isEqualTo(usage.get("completion_tokens").asInt());
        assertThat(record.get("reserved_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void aStreamEndedByAStopSequenceIsSettledAsSuchWithTheTokensItTook() {
        String key = keyOfNewClient();
        String full = TestServer.json(server.post("/v1/chat/completions", key, chat("\"max_tokens\": 30")).body())
                .get("choices").get(0).get("message").get("content").asText();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 1);

        HttpResponse<String> response = server.post("/v1/chat/completions", key, chat("\"max_tokens\": 30, "
                + "\"stream\": true, \"stream_options\": {\"include_usage\": true}, \"stop\": " + TestServer.quote(stop)));
        JsonNode record = record(response);

        assertThat(record.get("finish_reason").asText()).isEqualTo("FINISH_REASON_STOP_SEQUENCE");
        assertThat(response.body()).contains("\"completion_tokens\":" + record.get("generated_tokens").asInt() + ",");
    }

    @Test
    void aClientOverItsRequestsPerMinuteGets429InOpenAisShape() {
        TestServer.Client client = server.newClient("inference");
        String key = server.apiKey(server.token(client.id(), client.secret()));
        server.send("PUT", "/v1/admin/clients/" + client.id() + "/limits", server.token(),
                "{\"requests_per_minute\": 1}");
        server.post("/v1/completions", key, completion());

        HttpResponse<String> refused = server.post("/v1/completions", key, completion());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        JsonNode error = TestServer.json(refused.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("message").asText()).contains("requests_per_minute");
    }

    @Test
    void aProductTheAccountIsNotEntitledToIsNotListedAndIsForbidden() {
        TestServer.Client client = server.newClient("inference");
        server.send("PUT", "/v1/admin/accounts/" + client.account() + "/entitlements", server.token(),
                "{\"products\": [\"" + models.rawModel() + "\"]}");
        String key = server.apiKey(server.token(client.id(), client.secret()));

        JsonNode listed = TestServer.json(server.get("/v1/models", key).body()).get("data");
        HttpResponse<String> refused = server.post("/v1/chat/completions", key, chat("\"max_tokens\": 2"));

        assertThat(listed.findValuesAsText("id")).containsExactly(models.rawModel());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(TestServer.json(refused.body()).get("error").get("message").asText()).contains("not entitled");
        assertThat(server.get("/v1/models/" + models.chatModel(), key).statusCode()).isEqualTo(404);
    }

    private static String keyOfNewClient() {
        TestServer.Client client = server.newClient("inference");
        return server.apiKey(server.token(client.id(), client.secret()));
    }

    private static String chat(String extra) {
        return """
                {"model": "%s", "messages": [{"role": "user", "content": "Tell me a story."}], "temperature": 0, %s}"""
                .formatted(models.chatModel(), extra);
    }

    private static String completion() {
        return "{\"model\": \"%s\", \"prompt\": \"Once\", \"max_tokens\": 2}".formatted(models.rawModel());
    }

    /** The usage record of the request that got {@code response}, by its request id. */
    private static JsonNode record(HttpResponse<String> response) {
        String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
        JsonNode records = TestServer.json(server.send("GET", "/v1/admin/usage/records?request_id=" + requestId,
                server.token(), null).body()).get("records");
        assertThat(records).as("usage records of " + requestId).hasSize(1);
        return records.get(0);
    }
}
