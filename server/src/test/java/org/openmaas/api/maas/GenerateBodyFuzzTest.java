package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Mutations;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Whatever bytes arrive as the body of {@code /v1/maas/generate} or {@code /v1/maas/generatestream} — random, or the
 * guide's bodies broken — the server answers, never with a 5xx, and every refusal is a §2.4 error body.
 */
class GenerateBodyFuzzTest {

    /** Per request: a guard against a hang, far above any answer's time, not a measure of speed. */
    static final Duration HANG = Duration.ofSeconds(30);
    static final String MODEL = "scripted/" + TestServer.SCRIPTED_PRODUCT;

    static TestServer server;
    static String token;

    @BeforeContainer
    static void start() {
        // A short script whatever the request asks for: a body that stays valid costs a few tokens, not thousands.
        server = TestServer.scripted(ScriptedEngine.builder().slots(4).script(Script.words(3, FinishReason.LENGTH)).build());
        token = server.token();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 300)
    void noBodyGetsAServerErrorOrAnUndocumentedOne(@ForAll("routes") String route, @ForAll("bodies") byte[] body) {
        HttpResponse<String> response = server.post(route, Map.of("Authorization", "Bearer " + token,
                "Content-Type", "application/json"), body, HANG);

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() != 200) {
            assertIsErrorBody(response);
        }
    }

    /** §2.4: a JSON object with the gRPC code, a message for people (no stack trace) and details. */
    static void assertIsErrorBody(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode error = TestServer.json(response.body());
        assertThat(error.path("code").isInt()).as(response.body()).isTrue();
        assertThat(error.path("message").asText()).as(response.body()).isNotBlank().doesNotContain("Exception");
        assertThat(error.path("details").isArray()).as(response.body()).isTrue();
    }

    @Provide
    Arbitrary<String> routes() {
        return Arbitraries.of("/v1/maas/generate", "/v1/maas/generatestream");
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        String product = TestServer.SCRIPTED_PRODUCT;
        String id = ProductConfig.stableId(product).toString();
        return Mutations.of(Mutations.JSON, List.of("""
                {"model": "%s", "request": {"prompt": "Once upon a time", "params": {"maxNewTokens": 3, "temperature": 0.5}},
                 "cloudAccountId": "%s", "productName": "%s", "productId": "%s"}""".formatted(MODEL, TestServer.ACCOUNT, product, id),
                """
                {"model": "%s", "cloud_account_id": "%s", "product_name": "%s", "product_id": "%s",
                 "request": {"prompt": "Hi", "params": {"max_new_tokens": 2, "top_k": 5, "top_p": 0.9, "typical_p": 0.9,
                 "repetition_penalty": 1.1, "frequency_penalty": 0.5, "do_sample": true, "seed": "18446744073709551615",
                 "stop": ["\\n", "end"], "top_n_tokens": 2, "truncate": 10, "reproducible": true}}}"""
                        .formatted(MODEL, TestServer.ACCOUNT, product, id)));
    }
}
