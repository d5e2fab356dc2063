package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.Await;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Admission on the OpenAI-compatible routes is the MaaS API's: the same bounded queue, keepalive while queued (an SSE
 * comment), a generation cancelled when its client leaves, and 429 or 503 in OpenAI's error shape.
 */
class OpenAiAdmissionTest {

    /** Every generation here holds the only slot until its client leaves: it never ends by itself. */
    static final ScriptedEngine engine = ScriptedEngine.builder().slots(1).maxQueued(1)
            .script(Script.builder().text("Once").endless(" more")).build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String key = server.apiKey();
    static final String LONG = "{\"model\": \"" + TestServer.SCRIPTED_PRODUCT + "\", \"prompt\": \"Once\", "
            + "\"max_tokens\": 1500, \"temperature\": 0, \"stream\": true}";

    @Test
    void aFullQueueIsRefusedWith429InOpenAisShape() throws Exception {
        try (Socket running = server.openRaw("/v1/completions", key, LONG);
             Socket queued = server.openRaw("/v1/completions", key, LONG)) {
            Await.until(() -> engine.load().queued() == 1);

            HttpResponse<String> refused = server.post("/v1/completions", key, LONG);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode error = TestServer.json(refused.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.get("message").asText()).contains("wait queue is full");
        }
        Await.until(() -> engine.load().active() == 0 && engine.load().queued() == 0);
    }

    @Test
    void aQueuedStreamSendsKeepaliveCommentsUntilItsFirstToken() throws Exception {
        try (Socket running = server.openRaw("/v1/completions", key, LONG);
             Socket queued = server.openRaw("/v1/completions", key, LONG)) {
            Await.until(() -> engine.load().queued() == 1);
            queued.setSoTimeout(10_000);

            String received = readAtLeast(queued, ": keepalive\n\n".length() * 2);

            assertThat(received).contains(": keepalive\n\n").doesNotContain("data:");
        }
        Await.until(() -> engine.load().active() == 0 && engine.load().queued() == 0);
    }

    @Test
    void aClientThatLeavesAStreamCancelsItsGeneration() throws Exception {
        Socket stream = server.openRaw("/v1/completions", key, LONG);
        stream.setSoTimeout(10_000);
        assertThat(readAtLeast(stream, 20)).contains("data: ");

        stream.close();

        Await.until(() -> engine.load().active() == 0);
    }

    @Test
    void aServerThatIsNotReadyAnswers503InOpenAisShape() {
        server.server().readiness().notReady("testing");
        try {
            HttpResponse<String> refused = server.post("/v1/completions", key, LONG);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestServer.json(refused.body()).get("error").get("type").asText()).isEqualTo("server_error");
        } finally {
            server.server().readiness().ready();
        }
    }

    /** At least {@code length} bytes of the chunked body, chunk framing included. */
    private static String readAtLeast(Socket socket, int length) throws IOException {
        byte[] buffer = new byte[4096];
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            int n = socket.getInputStream().read(buffer);
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }
}
