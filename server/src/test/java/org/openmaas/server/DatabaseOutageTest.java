package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Gate;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestDatabase;
import org.openmaas.testing.TestServer;

/**
 * The database goes away (connections ended, new ones refused) and comes back: requests that need it get 503 with a
 * clear message, a stream already running ends normally with its usage record kept on local disk, and once the
 * database is back the server serves again and writes the record, without a restart.
 */
class DatabaseOutageTest {

    /** A long stream holds here until the database is away, so it ends during the outage. */
    private final Gate outage = new Gate();
    private TestDatabase db;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.fresh(TestDatabase.Kind.POSTGRESQL);
        ScriptedEngine engine = ScriptedEngine.builder()
                .scripts(request -> request.maxNewTokens() == 40
                        ? Script.builder().text("Once").hold(outage).words(39).finish(FinishReason.LENGTH)
                        : ScriptedEngine.untilMaxNewTokens(request))
                .build();
        server = TestServer.servingIn(Files.createDirectories(db.dir().resolve("data")), Optional.of(db.url()),
                Clock.systemUTC(), TestServer.SHUTDOWN_GRACE, TestServer.product(TestServer.SCRIPTED_PRODUCT, engine));
    }

    @AfterEach
    void stop() {
        outage.open();
        db.comeBack();
        server.close();
        db.close();
    }

    @Test
    void whileTheDatabaseIsAwayRequestsGet503AndAStreamThatEndsMeanwhileKeepsItsUsageRecord() throws Exception {
        String token = server.token();
        String another = server.body("Once upon a time", "{\"max_new_tokens\": 4}");
        HttpResponse<InputStream> stream = server.open(token, server.body("Once upon a time",
                "{\"max_new_tokens\": 40, \"temperature\": 0}"));
        String requestId = stream.headers().firstValue("X-Request-ID").orElseThrow();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            lines.add(reader.readLine());

            db.goAway();
            outage.open();

            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        }
        JsonNode last = TestServer.json(lines.getLast()).path("result").path("response");
        assertThat(last.path("details").path("generated_tokens").asInt()).as(lines.getLast()).isEqualTo(40);

        HttpResponse<String> refused = server.post("/v1/maas/generatestream", token, another);
        HttpResponse<String> noToken = server.tokenRequest("grant_type=client_credentials",
                TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(TestServer.json(refused.body()).get("message").asText()).contains("database is unavailable");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(noToken.statusCode()).isEqualTo(503);
        server.server().admission().settleEnded(); // the stream's settlement, which commits just after its end
        assertThat(server.server().admission().journal().pending()).isEqualTo(1);

        db.comeBack();

        JsonNode record = awaitRecord(requestId, Duration.ofSeconds(30));
        assertThat(record.get("status").asText()).isEqualTo("finished");
        assertThat(record.get("generated_tokens").asInt()).isEqualTo(40);
        assertThat(server.server().admission().journal().pending()).isZero();
        assertThat(server.stream(server.token(), server.body("Once upon a time", "{\"max_new_tokens\": 3}"))
                .response().statusCode()).isEqualTo(200);
    }

    private JsonNode awaitRecord(String requestId, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            HttpResponse<String> response = server.tokenRequest("grant_type=client_credentials",
                    TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET));
            if (response.statusCode() == 200) {
                String token = TestServer.json(response.body()).get("access_token").asText();
                JsonNode records = TestServer.json(server.get("/v1/admin/usage/records?request_id=" + requestId, token)
                        .body()).path("records");
                if (records.size() == 1 && !records.get(0).get("status").asText().equals("open")) {
                    return records.get(0);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the usage record of " + requestId + " was not written in " + timeout);
            }
            Thread.sleep(200);
        }
    }
}
