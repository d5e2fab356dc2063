package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.Await;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** {@code maas admin products}: add from a file or flags, change, list with states, remove. */
class AdminProductsCommandTest {

    TestServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = TestServer.scripted(ScriptedEngine.builder().build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aProductAddedFromAFileServesAndIsListedWithItsState() throws Exception {
        Path model = Files.copy(TestModels.tiny().getFirst(), dir.resolve("tiny.gguf"));
        Path entry = Files.writeString(dir.resolve("product.yaml"), """
                product_name: maas-model-from-file
                model: tiny.gguf        # beside this file, wherever the server runs
                slots: 2
                """);

        Cli.Run added = admin("products", "add", "--file", entry.toString());

        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("product maas-model-from-file is loading",
                "maas admin products list shows when it serves");
        Await.until(() -> admin("products", "list").out().contains("maas-model-from-file"));
        Await.until(() -> state("maas-model-from-file").equals("serving"));
        Cli.Run listed = admin("products", "list");
        assertThat(listed.out().lines().findFirst().orElseThrow())
                .matches("PRODUCT +STATE +SERVING +MODEL +SOURCE +SLOTS +CONTEXT +ERROR");
        assertThat(listed.out()).containsPattern("maas-model-from-file +serving +yes +\\S+ +" + model + " +2 ");
    }

    @Test
    void flagsChangeAProductAndRmRemovesIt() throws Exception {
        String model = TestModels.tiny().getFirst().toAbsolutePath().toString();
        admin("products", "add", "maas-model-flags", "--model", model);
        Await.until(() -> state("maas-model-flags").equals("serving"));

        Cli.Run changed = admin("products", "set", "maas-model-flags", "--model", model, "--slots", "3");

        assertThat(changed.exitCode()).as(changed.err()).isZero();
        assertThat(changed.out()).contains("product maas-model-flags is loading (its previous configuration serves "
                + "until then)");
        Await.until(() -> product("maas-model-flags").path("slots").asInt() == 3
                && state("maas-model-flags").equals("serving"));
        Cli.Run removed = admin("products", "rm", "maas-model-flags");
        assertThat(removed.exitCode()).isZero();
        assertThat(removed.out()).contains("product maas-model-flags is removed");
        assertThat(admin("products", "list").out()).doesNotContain("maas-model-flags");
    }

    @Test
    void mistakesAreSaidAndExitNonZero() {
        Cli.Run nothing = admin("products", "add", "maas-model-empty");
        Cli.Run unknown = admin("products", "rm", "maas-model-nope");
        Cli.Run badSlots = admin("products", "add", "maas-model-bad", "--model", "x.gguf", "--slots", "0");

        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.err()).contains("give the product's entry: --file FILE, or flags such as --model");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no product maas-model-nope", "(HTTP 404)");
        assertThat(badSlots.exitCode()).isEqualTo(1);
        assertThat(badSlots.err()).contains("slots of maas-model-bad must be between 1 and 64, got 0");
    }

    private String state(String product) {
        return product(product).path("state").asText();
    }

    private JsonNode product(String name) {
        Cli.Run listed = admin("products", "list", "--json");
        for (JsonNode p : TestServer.json(listed.out()).path("products")) {
            if (p.path("product_name").asText().equals(name)) {
                return p;
            }
        }
        return TestServer.JSON.createObjectNode();
    }

    private Cli.Run admin(String... args) {
        List<String> all = new ArrayList<>(List.of("admin"));
        all.addAll(List.of(args));
        all.addAll(List.of("--base-url", server.uri("/v1/maas").toString(), "--client-id", TestServer.CLIENT_ID,
                "--client-secret", TestServer.CLIENT_SECRET));
        return Cli.run(Cli.environment(dir.resolve("config.json")), all.toArray(String[]::new));
    }
}
