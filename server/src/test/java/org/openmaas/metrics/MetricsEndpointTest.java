package org.openmaas.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** {@code GET /metrics} in Prometheus text format, labelled by product, counting what was really streamed. */
class MetricsEndpointTest {

    static TestServer server;
    static String product;

    @BeforeAll
    static void start() {
        server = TestServer.serving(TestModels.tiny());
        String token = server.token();
        product = server.server().catalog().entries().getFirst().product().productName();
        for (int i = 0; i < 2; i++) {
            server.stream(token, server.body("Once upon a time", "{\"max_new_tokens\": 5, \"temperature\": 0}"));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void countsTheTokensThatWereStreamed() {
        String metrics = scrape();

        assertThat(value(metrics, "maas_generated_tokens_total")).isEqualTo(10);
        assertThat(value(metrics, "maas_prompt_tokens_total")).isPositive();
        assertThat(metrics).containsPattern("maas_requests_total\\{outcome=\"FINISH_REASON_(LENGTH|EOS_TOKEN)\",product=\"" + product + "\"}");
    }

    @Test
    void hasLatencyHistogramsForEveryStageOfAStream() {
        String metrics = scrape();

        for (String histogram : new String[]{"maas_time_to_first_token_seconds", "maas_inter_token_latency_seconds",
                "maas_request_duration_seconds", "maas_queue_wait_seconds"}) {
            assertThat(metrics).as(histogram).contains(histogram + "_bucket{product=\"" + product + "\",le=");
            assertThat(value(metrics, histogram + "_count")).as(histogram + "_count").isPositive();
        }
        assertThat(value(metrics, "maas_time_to_first_token_seconds_count")).isEqualTo(2);
        assertThat(value(metrics, "maas_inter_token_latency_seconds_count")).isEqualTo(8);
    }

    @Test
    void reportsTheEnginesQueueAndActiveSequences() {
        String metrics = scrape();

        assertThat(value(metrics, "maas_queue_depth")).isZero();
        assertThat(value(metrics, "maas_active_sequences")).isZero();
    }

    @Test
    void reportsThePrefixCacheHitOfTheRepeatedPrompt() {
        String metrics = scrape();

        assertThat(value(metrics, "maas_prefix_cache_lookups_total")).isEqualTo(2);
        assertThat(value(metrics, "maas_prefix_cache_hits_total")).isEqualTo(1);
        // The second request computed only the prompt's last token, whose logits start its generation.
        assertThat(value(metrics, "maas_prompt_tokens_reused_total"))
                .isEqualTo(value(metrics, "maas_prompt_tokens_total") / 2 - 1);
    }

    private static String scrape() {
        HttpResponse<String> response = server.get("/metrics", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        return response.body();
    }

    private static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*product=\"" + Pattern.quote(product) + "\"[^}]*} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(name + " for " + product + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
