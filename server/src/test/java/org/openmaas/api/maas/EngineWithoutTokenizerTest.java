package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.Prompt;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A product whose engine tokenizes elsewhere (a remote server): the prompt reaches it as the client's text, usage
 * settles on the count the engine reports, and what only a local tokenizer can do is refused by name.
 */
class EngineWithoutTokenizerTest {

    static final ScriptedEngine engine = ScriptedEngine.builder().withoutTokenizer().build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String token = server.token();

    @Test
    void thePromptReachesTheEngineAsTextAndUsageSettlesOnTheEnginesCount() {
        HttpResponse<String> response = server.post("/v1/maas/generate", token,
                server.body("Once upon a time", "{\"max_new_tokens\": 3}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(engine.submitted().getLast().prompt()).isEqualTo(new Prompt.Text("Once upon a time"));
        assertThat(TestServer.json(response.body()).at("/details/prompt_tokens").asInt()).as("the engine counts words")
                .isEqualTo(4);
        String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
        JsonNode record = TestServer.json(server.get("/v1/admin/usage/records?request_id=" + requestId, token).body())
                .get("records").get(0);
        assertThat(record.get("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(record.get("generated_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void truncateIsRefusedNamingTheField() {
        assertThat(refusal("{\"truncate\": 2}"))
                .startsWith("truncate is not supported by " + TestServer.SCRIPTED_PRODUCT);
    }

    @Test
    void maxNewTokensIsStillCheckedAgainstTheContext() {
        assertThat(refusal("{\"max_new_tokens\": 100000}"))
                .contains("max_new_tokens must be between 1 and " + ScriptedEngine.MODEL.contextLength());
    }

    /** The message of the 400 a request with {@code params} gets. */
    private static String refusal(String params) {
        HttpResponse<String> response = server.post("/v1/maas/generatestream", token, server.body("Once", params));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return TestServer.json(response.body()).get("message").asText();
    }
}
