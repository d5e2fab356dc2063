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
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Await;
import org.openmaas.testing.Gate;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A client that hangs up cancels its generation, streamed or whole: the engine frees the slot and serves the next
 * request, and the usage record bills only the tokens generated until then.
 */
class CancellationTest {

    static final int ENDLESS = 1500;
    static final int HELD = 1400;
    /** Never opened: a generation held here sends nothing more until it is cancelled. */
    static final Gate never = new Gate();
    /**
     * A generation of {@code max_new_tokens} 1500 never ends by itself, nor does one of 1400, which stops after its
     * first token: only a cancellation frees their slot.
     */
    static final ScriptedEngine engine = ScriptedEngine.builder()
            .scripts(request -> switch (request.maxNewTokens()) {
                case ENDLESS -> Script.builder().text("Once").endless(" more");
                case HELD -> Script.builder().text("Once").hold(never).text(" upon").finish(FinishReason.LENGTH);
                default -> ScriptedEngine.untilMaxNewTokens(request);
            })
            .build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String token = server.token();

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
     * A stream whose generation sends nothing for a while (a long prefill, a busy engine) writes a heartbeat, a blank
     * line, after a second without tokens: that is how a client that left meanwhile is noticed.
     */
    @Test
    void hangingUpWhileNoTokenComesFreesTheEngineToo() throws Exception {
        try (Socket client = server.openRaw(token, server.body("Once upon a time",
                "{\"max_new_tokens\": " + HELD + ", \"temperature\": 0}"))) {
            assertThat(TestServer.readLines(client.getInputStream(), 2)).as("chunk size, first token").hasSize(2);
            never.awaitReached();
        }

        assertCancelledAndFree();
    }

    /**
     * A whole-result route answers 200 early and then writes a space while it generates (JSON allows leading
     * whitespace), because only a write shows that the client has gone: the hang-up cancels just as a stream's does.
     */
    @ParameterizedTest
    @EnumSource(WholeResultRoute.class)
    void hangingUpWhileTheWholeResultIsGeneratedFreesTheEngine(WholeResultRoute route) throws Exception {
        try (Socket client = server.openRaw(route.path, token, route.body(server, ENDLESS))) {
            InputStream body = client.getInputStream();
            assertThat(body.read()).as("the first byte of the chunked body").isNotNegative();
            assertThat(engine.load().active()).isEqualTo(1);
        }

        assertCancelledAndFree();
        HttpResponse<String> next = server.post(route.path, token, route.body(server, 4));
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
