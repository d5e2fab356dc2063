package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.testing.Await;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A client that hangs up cancels its generation, streamed or whole: the engine frees the slot and serves the next
 * request, and the usage record bills only the tokens generated until then.
 */
class CancellationTest {

    static final int ENDLESS = 1500;
    /** A generation of {@code max_new_tokens} 1500 never ends by itself: only a cancellation frees its slot. */
    static final ScriptedEngine engine = ScriptedEngine.builder()
            .scripts(request -> request.maxNewTokens() == ENDLESS ? Script.builder().text("Once").endless(" more")
                    : ScriptedEngine.untilMaxNewTokens(request))
            .build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String token = server.token();

    /** The routes that answer with the whole result at once, each with a request body of {@code max_new_tokens}. */
    enum WholeResultRoute {
        MAAS_GENERATE("/v1/maas/generate") {
            @Override
            String body(int maxNewTokens) {
                return server.body("Once upon a time", "{\"max_new_tokens\": " + maxNewTokens + ", \"temperature\": 0}");
            }
        },
        COMPLETIONS("/v1/completions") {
            @Override
            String body(int maxNewTokens) {
                return "{\"model\": \"" + TestServer.SCRIPTED_PRODUCT + "\", \"prompt\": \"Once upon a time\", "
                        + "\"max_tokens\": " + maxNewTokens + ", \"temperature\": 0}";
            }
        },
        CHAT_COMPLETIONS("/v1/chat/completions") {
            @Override
            String body(int maxNewTokens) {
                return "{\"model\": \"" + TestServer.SCRIPTED_PRODUCT + "\", \"messages\": [{\"role\": \"user\", "
                        + "\"content\": \"Once upon a time\"}], \"max_tokens\": " + maxNewTokens + ", \"temperature\": 0}";
            }
        };

        final String path;

        WholeResultRoute(String path) {
            this.path = path;
        }

        abstract String body(int maxNewTokens);
    }

    @Test
    void hangingUpMidStreamFreesTheEngineOfAGenerationThatWouldNeverEnd() throws Exception {
        try (Socket client = server.openRaw(token, server.body("Once upon a time",
                "{\"max_new_tokens\": " + ENDLESS + ", \"temperature\": 0}"))) {
            assertThat(TestServer.readLines(client.getInputStream(), 6)).hasSize(6);
            assertThat(engine.load().active()).isEqualTo(1);
        }

        assertCancelledAndFree();
        TestServer.Stream next = server.stream(token, server.body("Once upon a time", "{\"max_new_tokens\": 4, \"temperature\": 0}"));
        assertThat(next.last().get("details").get("generated_tokens").asInt()).isEqualTo(4);
    }

    /**
     * A whole-result route answers 200 early and then writes a space while it generates (JSON allows leading
     * whitespace), because only a write shows that the client has gone: the hang-up cancels just as a stream's does.
     */
    @ParameterizedTest
    @EnumSource(WholeResultRoute.class)
    void hangingUpWhileTheWholeResultIsGeneratedFreesTheEngine(WholeResultRoute route) throws Exception {
        try (Socket client = server.openRaw(route.path, token, route.body(ENDLESS))) {
            InputStream body = client.getInputStream();
            assertThat(body.read()).as("the first byte of the chunked body").isNotNegative();
            assertThat(engine.load().active()).isEqualTo(1);
        }

        assertCancelledAndFree();
        HttpResponse<String> next = server.post(route.path, token, route.body(4));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(next.body()).toString()).contains("w3");
    }

    /** The hung-up request's generation has left the engine, and its usage record says cancelled. */
    private static void assertCancelledAndFree() throws InterruptedException {
        Await.until(() -> engine.load().active() == 0);
        // The request thread settles right after it cancels, so the record may trail the engine by a moment.
        Await.until(() -> !latestUsageRecord().get("status").asText().equals("open"));
        JsonNode record = latestUsageRecord();
        assertThat(record.get("status").asText()).isEqualTo("cancelled");
        assertThat(record.get("generated_tokens").asInt()).isPositive();
    }

    /** The usage record of the last request this server admitted: the hung-up one's. */
    private static JsonNode latestUsageRecord() {
        return TestServer.json(server.get("/v1/admin/usage/records?limit=1", token).body()).get("records").get(0);
    }
}
