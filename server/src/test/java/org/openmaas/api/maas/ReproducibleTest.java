package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.Engine;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * Reproducible decoding over HTTP: a request that asks for it, or any request of a product configured for it, gives
 * the same tokens alone and while other sequences share the engine.
 */
class ReproducibleTest {

    static final String SAMPLED = "\"max_new_tokens\": 120, \"temperature\": 1.0, \"top_k\": 40, \"seed\": 7";
    static TestServer server;
    static String token;

    @BeforeAll
    static void start() throws IOException {
        // Long enough (2048 tokens of context) and slow enough that the load is still running when it is measured.
        Path model = TestModels.slow();
        Path catalog = Files.createTempFile("catalog", ".yaml");
        Files.writeString(catalog, """
                products:
                  - product_name: maas-model-shared
                    model: %s
                    slots: 4
                  - product_name: maas-model-reproducible
                    model: %s
                    slots: 4
                    reproducible: true
                """.formatted(model, model));
        server = TestServer.withCatalog(catalog);
        token = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRequestThatAsksForReproducibilityGivesTheSameTokensUnderLoad() throws IOException {
        String request = body("maas-model-shared", "{" + SAMPLED + ", \"reproducible\": true}");
        List<Integer> alone = server.stream(token, request).tokenIds();

        List<Integer> underLoad = underLoad("maas-model-shared", () -> server.stream(token, request).tokenIds());

        assertThat(underLoad).isEqualTo(alone).hasSizeGreaterThan(10);
    }

    @Test
    void everyRequestOfAReproducibleProductGivesTheSameTokensWhateverRanBefore() throws IOException {
        String request = body("maas-model-reproducible", "{" + SAMPLED + "}");
        List<Integer> first = server.stream(token, request).tokenIds();
        // Its requests decode one at a time in a context of their own, cleared between them.
        for (int i = 0; i < 3; i++) {
            server.stream(token, body("maas-model-reproducible", "{\"max_new_tokens\": 50, \"seed\": " + i
                    + ", \"temperature\": 0.9}"));
        }

        assertThat(server.stream(token, request).tokenIds()).isEqualTo(first).hasSizeGreaterThan(10);
    }

    /** Runs {@code measured} while three long streams keep the product's engine busy. */
    private static List<Integer> underLoad(String product, java.util.function.Supplier<List<Integer>> measured)
            throws IOException {
        Engine engine = server.server().catalog().find(product).orElseThrow().engine();
        List<Socket> load = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                load.add(server.openRaw(token, body(product, "{\"max_new_tokens\": 1800, \"temperature\": 0.8, \"seed\": " + i + "}")));
            }
            assertThat(engine.load().active() + engine.load().queued()).isEqualTo(3);
            List<Integer> result = measured.get();
            assertThat(engine.load().active()).as("the load was still running").isGreaterThanOrEqualTo(1);
            return result;
        } finally {
            for (Socket socket : load) {
                socket.close();
            }
        }
    }

    private static String body(String productName, String params) {
        var product = server.server().catalog().find(productName).orElseThrow().product();
        return """
                {"model": "%s", "productName": "%s", "productId": "%s", "cloudAccountId": "%s",
                 "request": {"prompt": "Once upon a time", "params": %s}}"""
                .formatted(product.modelName(), product.productName(), product.productId(), TestServer.ACCOUNT, params);
    }
}
