package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.Await;
import org.openmaas.testing.CuttingProxy;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * Mid-stream failover end to end: OpenMaaS in front of two real llama-servers serving stories260K, from a catalog with
 * an {@code engine:} block. The llama-server streaming a greedy generation is killed with SIGKILL after some tokens;
 * the client's stream goes on from the other one and ends exactly as an uninterrupted run does, with one usage record.
 */
class RemoteFailoverTest {

    private static final String PRODUCT = "maas-model-stories-remote";
    /** Enough of a /completion stream for a few tokens, far less than 200 tokens' worth. */
    private static final int CUT_AFTER_BYTES = 4096;

    @TempDir
    static Path dir;

    private static LlamaServerProcess[] upstreams;
    private static CuttingProxy[] proxies;
    private static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path stories = TestModels.stories();
        upstreams = new LlamaServerProcess[2];
        proxies = new CuttingProxy[2];
        for (int i = 0; i < 2; i++) { // one at a time, so stop() closes what started before a failure
            upstreams[i] = LlamaServerProcess.start(stories, 2, 1024);
            proxies[i] = CuttingProxy.to(upstreams[i].endpoint());
        }
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                products:
                  - product_name: %s
                    model_name: stories260K
                    context_length: 1024
                    engine:
                      type: llama-server
                      endpoints: [%s, %s]
                      max_concurrent: 2
                """.formatted(PRODUCT, proxies[0].endpoint(), proxies[1].endpoint()));
        server = TestServer.withCatalog(catalog);
    }

    @AfterAll
    static void stop() throws IOException {
        // Null when the start was skipped (no ../shared model) or failed part way.
        if (server != null) server.close();
        for (CuttingProxy proxy : proxies == null ? new CuttingProxy[0] : proxies) {
            if (proxy != null) proxy.close();
        }
        for (LlamaServerProcess upstream : upstreams == null ? new LlamaServerProcess[0] : upstreams) {
            if (upstream != null) upstream.close();
        }
    }

    @Test
    void aGreedyStreamWhoseUpstreamIsKilledMidwayEndsAsAnUninterruptedRunWithOneUsageRecord() throws Exception {
        String token = server.token();
        String body = server.body("Once upon a time", "{\"max_new_tokens\": 200}");
        TestServer.Stream uninterrupted = server.stream(token, body);
        assertThat(uninterrupted.response().statusCode()).isEqualTo(200);
        List<Integer> expected = uninterrupted.tokenIds();
        assertThat(expected).hasSizeGreaterThan(50);

        for (CuttingProxy proxy : proxies) {
            proxy.cutAfter(CUT_AFTER_BYTES);
        }
        HttpResponse<InputStream> response = server.open(token, body);
        Await.until(() -> proxies[0].isCut() || proxies[1].isCut());
        int serving = proxies[0].isCut() ? 0 : 1;
        proxies[1 - serving].uncut();
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        List<JsonNode> lines = new ArrayList<>();
        lines.add(TestServer.json(reader.readLine())); // at least one token reached the client before the kill
        upstreams[serving].kill();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (!line.isBlank()) {
                lines.add(TestServer.json(line));
            }
        }

        List<Integer> ids = lines.stream().map(l -> l.path("result").path("response").path("token").path("id").asInt())
                .toList();
        assertThat(ids).as("the stream across the failover").isEqualTo(expected);
        JsonNode details = lines.getLast().path("result").path("response").path("details");
        assertThat(details.path("generated_tokens").asInt()).isEqualTo(expected.size());
        JsonNode records = TestServer.json(server.get("/v1/admin/usage/records?product=" + PRODUCT, token).body())
                .path("records");
        assertThat(records).as("one record for each of the two requests").hasSize(2);
        for (JsonNode record : records) {
            assertThat(record.path("status").asText()).isEqualTo("finished");
            assertThat(record.path("generated_tokens").asInt()).isEqualTo(expected.size());
            assertThat(record.path("prompt_tokens").asInt()).isEqualTo(records.get(0).path("prompt_tokens").asInt());
        }
        JsonNode killed = TestServer.json(server.get("/v1/admin/engines", token).body())
                .path("engines").get(0).path("endpoints").get(serving);
        assertThat(killed.path("errors").asInt()).as("the failover is the killed endpoint's one error").isEqualTo(1);
    }
}
