package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.catalog.RemoteEngineConfig;
import org.openmaas.catalog.UpstreamType;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.ModelInfo;
import org.openmaas.testing.Await;
import org.openmaas.testing.TestServer;

/**
 * A product served elsewhere behind the real routes, credentials and metering: what a client sees of the pool (one
 * stream across a failover, one usage record, a 400 for what the upstream cannot do, a hang-up closing the upstream
 * request) and what operators see of its endpoints ({@code /ready}, {@code /metrics}, the admin API). The upstream is
 * the test's, played by hand.
 */
class RemoteProductTest {

    private static final URI A = URI.create("http://gpu-a:8080");
    private static final URI B = URI.create("http://gpu-b:8080");
    private static final String PRODUCT = "maas-model-remote";

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final RemoteEngine engine = new RemoteEngine(PRODUCT, new ModelInfo("remote", 4096, Integer.MAX_VALUE, true),
            List.of(A, B), upstream, RemoteEngine.Settings.of(4, 8), Clock.systemUTC());

    @AutoClose
    private final TestServer server = TestServer.serving(TestServer.remoteProduct(PRODUCT,
            new RemoteEngineConfig(UpstreamType.LLAMA_SERVER, List.of(A, B), "remote", Optional.empty(), 4,
                    Optional.empty(), Optional.empty(), UpstreamTimeouts.DEFAULTS), engine));

    @Test
    void aStreamWhoseUpstreamDiesMidwayReachesTheClientWholeWithOneUsageRecord() throws Exception {
        String token = server.token();
        CompletableFuture<TestServer.Stream> stream = CompletableFuture.supplyAsync(() -> server.stream(token,
                server.body("Once upon a time", "{\"max_new_tokens\": 5}")));

        Await.until(() -> upstream.calls().size() == 1);
        upstream.call(0).tokens(1, 2, 3).fail(new UpstreamFailure.Broken("connection reset by peer"));
        Await.until(() -> upstream.calls().size() == 2);
        upstream.call(1).tokens(4, 5).finish(FinishReason.LENGTH, 4 + 3, 2);

        TestServer.Stream result = stream.get(30, TimeUnit.SECONDS);
        assertThat(result.response().statusCode()).isEqualTo(200);
        assertThat(result.tokenIds()).containsExactly(1, 2, 3, 4, 5);
        assertThat(result.text()).isEqualTo("<1><2><3><4><5>");
        assertThat(result.last().path("details").path("generated_tokens").asInt()).isEqualTo(5);
        assertThat(result.last().path("details").path("finish_reason").asText()).isEqualTo("FINISH_REASON_LENGTH");
        JsonNode records = TestServer.json(server.get("/v1/admin/usage/records?product=" + PRODUCT, token).body())
                .path("records");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).path("status").asText()).isEqualTo("finished");
        assertThat(records.get(0).path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(records.get(0).path("generated_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void aParameterTheUpstreamCannotHonourIsA400BeforeAnythingIsSent() {
        HttpResponse<String> response = server.post("/v1/maas/generate", server.token(),
                server.body("Once upon a time", "{\"max_new_tokens\": 5, \"typical_p\": 0.5}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("typical_p is not supported by this upstream");
        assertThat(upstream.calls()).isEmpty();
    }

    @Test
    void aClientThatHangsUpClosesTheUpstreamRequest() throws Exception {
        HttpResponse<InputStream> response = server.open(server.token(),
                server.body("Once upon a time", "{\"max_new_tokens\": 100}"));
        Await.until(() -> upstream.calls().size() == 1);
        ScriptedUpstream.Call call = upstream.call(0);
        call.tokens(1, 2);
        assertThat(TestServer.readLines(response.body(), 1)).hasSize(1);

        response.body().close();
        // Only a write shows the server that the client has gone: the upstream goes on until then.
        Await.until(() -> {
            call.tokens(3);
            return call.cancelled();
        });

        Await.until(() -> engine.load().active() == 0);
    }

    @Test
    void readyMetricsAndTheAdminApiShowEachEndpoint() throws Exception {
        String token = server.token();
        CompletableFuture<TestServer.Stream> stream = CompletableFuture.supplyAsync(() -> server.stream(token,
                server.body("Once upon a time", "{\"max_new_tokens\": 2}")));
        Await.until(() -> upstream.calls().size() == 1);
        upstream.call(0).fail(new UpstreamFailure.Unreachable("connection refused"));
        Await.until(() -> upstream.calls().size() == 2);

        JsonNode engines = TestServer.json(server.get("/v1/admin/engines", token).body()).path("engines");
        assertThat(engines).hasSize(1);
        assertThat(engines.get(0).path("product_name").asText()).isEqualTo(PRODUCT);
        assertThat(engines.get(0).path("type").asText()).isEqualTo("llama-server");
        JsonNode a = engines.get(0).path("endpoints").get(0);
        JsonNode b = engines.get(0).path("endpoints").get(1);
        assertThat(a.path("endpoint").asText()).isEqualTo(A.toString());
        assertThat(a.path("state").asText()).isEqualTo("healthy");
        assertThat(a.path("errors").asInt()).isEqualTo(1);
        assertThat(a.path("last_error").asText()).isEqualTo("connection refused");
        assertThat(b.path("in_flight").asInt()).isEqualTo(1);
        assertThat(b.path("time_to_first_token_ms").isNull()).isTrue();

        JsonNode ready = TestServer.json(server.get("/ready", null).body());
        assertThat(ready.path("engines").get(0).path("endpoints").get(1).path("in_flight").asInt()).isEqualTo(1);
        String metrics = server.get("/metrics", null).body();
        assertThat(metrics).contains("maas_upstream_in_flight{endpoint=\"http://gpu-b:8080\",product=\"" + PRODUCT
                + "\"} 1.0");
        assertThat(metrics).contains("maas_upstream_errors_total{endpoint=\"http://gpu-a:8080\",product=\"" + PRODUCT
                + "\"} 1.0");
        assertThat(metrics).contains("maas_upstream_state{endpoint=\"http://gpu-a:8080\",product=\"" + PRODUCT
                + "\",state=\"healthy\"} 1.0");

        upstream.call(1).tokens(1, 2).finish(FinishReason.LENGTH, 4, 2);
        assertThat(stream.get(30, TimeUnit.SECONDS).tokenIds()).containsExactly(1, 2);
        JsonNode after = TestServer.json(server.get("/v1/admin/engines", token).body()).path("engines").get(0)
                .path("endpoints").get(1);
        assertThat(after.path("in_flight").asInt()).isZero();
        assertThat(after.path("time_to_first_token_ms").asDouble()).isPositive();
    }
}
