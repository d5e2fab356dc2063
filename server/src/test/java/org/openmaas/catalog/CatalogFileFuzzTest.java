package org.openmaas.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.openmaas.testing.Mutations;

/**
 * Whatever an operator's catalog file holds — random bytes, or a valid catalog broken — reading it either gives the
 * products or fails with the catalog's own error: an IllegalArgumentException whose sentence names the file. Never
 * a NullPointerException, a ClassCastException or anything else a start-up would print as a crash.
 */
class CatalogFileFuzzTest {

    /** Per file: a guard against a hang, far above any file's reading time, not a measure of speed. */
    static final Duration HANG = Duration.ofSeconds(20);

    static Path dir;

    @BeforeContainer
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("catalog-fuzz-");
    }

    @AfterContainer
    static void deleteDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @Property(tries = 300)
    void aCatalogFileIsReadOrRefusedWithTheCatalogsError(@ForAll("catalogs") byte[] content) {
        Path file = write(content);

        assertTimeoutPreemptively(HANG, () -> {
            try {
                List<ProductConfig> products = CatalogFile.read(file, Map.of());
                assertThat(products).isNotEmpty();
            } catch (IllegalArgumentException e) {
                assertThat(e.getClass()).as("%s", e).isEqualTo(IllegalArgumentException.class);
                assertThat(e.getMessage()).startsWith("catalog file " + file);
            }
        });
    }

    private static Path write(byte[] content) {
        try {
            return Files.write(dir.resolve("catalog.yaml"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> catalogs() {
        return Mutations.of(Mutations.YAML, List.of("""
                products:
                  - product_name: maas-model-mistral-7b-v0.1
                    product_id: 269c3034-e6c7-4359-9e77-c3efedfaa778
                    model_name: mistralai/Mistral-7B-Instruct-v0.1
                    model: models/mistral.gguf
                    context_length: 1024
                    prompt_format: chat
                    chat_template: mistral-v1
                    slots: 2
                    max_queued: 3
                    reproducible: false
                    prefill_chunk: 32
                  - product_name: maas-model-llama-3.1-8b
                    model: hf://ggml-org/models/tinyllamas/stories260K.gguf
                """, """
                products:
                  - {product_name: a, model: a.gguf, prefill_chunk: 16, slots: 1}
                  - {product_name: b, model: hf://owner/repo/b.gguf, prompt_format: raw}
                """));
    }
}
