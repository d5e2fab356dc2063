package org.openmaas.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openmaas.engine.llamacpp.FlashAttention;
import org.openmaas.engine.llamacpp.KvCacheType;

class CatalogFileTest {

    @TempDir
    Path dir;

    @Test
    void readsTheGuidesProductsWithTheirExactNamesAndIds() throws IOException {
        Path file = write("""
                products:
                  - product_name: maas-model-mistral-7b-v0.1
                    product_id: 269c3034-e6c7-4359-9e77-c3efedfaa778
                    model_name: mistralai/Mistral-7B-Instruct-v0.1
                    model: models/mistral.gguf
                    context_length: 1024
                    prompt_format: chat
                    chat_template: mistral-v1
                    max_queued: 3
                    prefill_chunk: 32
                  - product_name: maas-model-llama-3.1-8b
                    model: hf://ggml-org/models/tinyllamas/stories260K.gguf
                """);

        List<ProductConfig> products = CatalogFile.read(file, Map.of());

        assertThat(products).hasSize(2);
        ProductConfig mistral = products.getFirst();
        assertThat(mistral.productId()).isEqualTo(UUID.fromString("269c3034-e6c7-4359-9e77-c3efedfaa778"));
        assertThat(mistral.modelName()).isEqualTo("mistralai/Mistral-7B-Instruct-v0.1");
        assertThat(mistral.source()).isEqualTo(new ModelSource.LocalFile(dir.resolve("models/mistral.gguf")));
        assertThat(mistral.contextLength()).isEqualTo(1024);
        assertThat(mistral.promptFormat()).isEqualTo(PromptFormat.CHAT);
        assertThat(mistral.chatTemplate()).isEqualTo("mistral-v1");
        assertThat(mistral.maxQueued()).isEqualTo(3);
        assertThat(mistral.prefillChunk()).isEqualTo(32);
        ProductConfig llama = products.get(1);
        assertThat(llama.source()).isEqualTo(new ModelSource.HubFile("ggml-org/models", "tinyllamas/stories260K.gguf"));
        assertThat(llama.productId()).isEqualTo(ProductConfig.stableId("maas-model-llama-3.1-8b"));
        assertThat(llama.promptFormat()).isEqualTo(PromptFormat.RAW);
        assertThat(llama.maxQueued()).isEqualTo(ProductConfig.DEFAULT_MAX_QUEUED);
        assertThat(llama.prefillChunk()).isEqualTo(ProductConfig.DEFAULT_PREFILL_CHUNK);
    }

    @Test
    void aPrefillChunkBelowOneTokenIsRefused() throws IOException {
        Path file = write("products:\n  - {product_name: a, model: a.gguf, prefill_chunk: 0}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of()))
                .hasMessageContaining("product 1 (a)").hasMessageContaining("prefill_chunk of a must be at least 1, got 0");
    }

    @Test
    void anEmptyProductEntryIsNamedInsteadOfCrashingTheStart() throws IOException {
        Path file = write("products:\n  - {product_name: a, model: a.gguf}\n  -\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of())).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("catalog file " + file + ", product 2: the entry is empty; give at least product_name and model");
    }

    @Test
    void anUnknownKeyIsNamedWithTheAllowedOnes() throws IOException {
        Path file = write("""
                products:
                  - product_name: a
                    model: a.gguf
                    contxt_length: 5
                """);

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of()))
                .hasMessageContaining("unknown key 'contxt_length'").hasMessageContaining("context_length");
    }

    @Test
    void aDuplicateProductNameIsRefused() throws IOException {
        Path file = write("""
                products:
                  - {product_name: a, model: a.gguf}
                  - {product_name: a, model: b.gguf}
                """);

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of())).hasMessageContaining("product_name a is declared twice");
    }

    @Test
    void aMistakeNamesTheProductItIsIn() throws IOException {
        Path file = write("""
                products:
                  - {product_name: good, model: a.gguf}
                  - {product_name: bad, model: b.gguf, product_id: not-a-uuid}
                """);

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of()))
                .hasMessageContaining("product 2 (bad)").hasMessageContaining("product_id 'not-a-uuid' is not a UUID");
    }

    @Test
    void aProductWithoutAModelIsRefused() throws IOException {
        Path file = write("products:\n  - {product_name: a}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of())).hasMessageContaining("model is required");
    }

    @Test
    void anUnknownPromptFormatListsTheKnownOnes() throws IOException {
        Path file = write("products:\n  - {product_name: a, model: a.gguf, prompt_format: instruct}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of())).hasMessageContaining("not one of: raw, chat");
    }

    @Test
    void anEmptyFileDeclaresNoProducts() throws IOException {
        Path file = write("products: []\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of())).hasMessageContaining("declares no products");
    }

    @Test
    void theEmbeddedEngineSettingsAndTheLlamaCppBuildAreRead() throws IOException {
        Path file = write("""
                llama_lib: llama-cuda/lib
                products:
                  - product_name: a
                    model: a.gguf
                    gpu_layers: 99
                    flash_attention: on
                    kv_cache_type: q8_0
                  - product_name: b
                    model: b.gguf
                """);

        List<ProductConfig> products = CatalogFile.read(file, Map.of());

        assertThat(products.getFirst().llama())
                .isEqualTo(new LlamaSettings(OptionalInt.of(99), FlashAttention.ON, KvCacheType.Q8_0));
        assertThat(products.get(1).llama()).isEqualTo(LlamaSettings.DEFAULT);
        assertThat(CatalogFile.llamaLibrary(file)).contains(dir.resolve("llama-cuda/lib"));
    }

    @Test
    void aCatalogWithoutALlamaCppBuildLeavesItToTheServer() throws IOException {
        assertThat(CatalogFile.llamaLibrary(write("products:\n  - {product_name: a, model: a.gguf}\n"))).isEmpty();
    }

    @Test
    void anUnknownKvCacheTypeIsRefusedListingTheAllowedOnes() throws IOException {
        Path file = write("products:\n  - {product_name: a, model: a.gguf, kv_cache_type: q3_k}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of())).hasMessage("catalog file " + file + ", product 1 (a): "
                + "kv_cache_type 'q3_k' is not one of: f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0, q5_1");
    }

    @Test
    void aQuantizedKvCacheWithoutFlashAttentionIsRefusedSayingWhy() throws IOException {
        Path file = write("products:\n  - {product_name: a, model: a.gguf, kv_cache_type: q4_0, flash_attention: off}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of())).hasMessageContaining("product 1 (a): kv_cache_type q4_0 needs "
                + "flash attention (llama.cpp quantizes the V cache only with it)");
    }

    @Test
    void negativeGpuLayersOtherThanAllAreRefused() throws IOException {
        Path file = write("products:\n  - {product_name: a, model: a.gguf, gpu_layers: -2}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of()))
                .hasMessageContaining("gpu_layers must be 0 or more, or -1 for all, got -2");
    }

    @Test
    void anEmbeddingsProductIsReadAsSuchAndOthersGenerate() throws IOException {
        Path file = write("products:\n  - {product_name: e, model: e.gguf, embeddings: true}\n"
                + "  - {product_name: g, model: g.gguf}\n");

        assertThat(CatalogFile.read(file, Map.of())).extracting(ProductConfig::embeddings).containsExactly(true, false);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            slots           | model: e.gguf, slots: 2              | slots configures generation; a product with embeddings: true only embeds (POST /v1/embeddings), so leave slots out
            a chat template | model: e.gguf, chat_template: chatml | chat_template configures generation
            a prompt format | model: e.gguf, prompt_format: chat   | prompt_format configures generation
            an engine block | model_name: m, context_length: 9, engine: {type: vllm, endpoints: [http://a:1]} | embeddings: true is served by the embedded engine only (model:)
            """)
    void anEmbeddingsProductRefusesWhatOnlyGenerationOrAnUpstreamHas(String what, String keys, String message)
            throws IOException {
        Path file = write("products:\n  - {product_name: e, embeddings: true, " + keys + "}\n");

        assertThatThrownBy(() -> CatalogFile.read(file, Map.of()))
                .hasMessageStartingWith("catalog file " + file + ", product 1 (e): ").hasMessageContaining(message);
    }

    @Test
    void aMissingFileIsSaidPlainly() {
        assertThatThrownBy(() -> CatalogFile.read(dir.resolve("nope.yaml"), Map.of())).hasMessageContaining("does not exist");
    }

    @Test
    void aModelFileBecomesAProductNamedAfterIt() {
        ProductConfig product = ProductConfig.forModelFile(Path.of("/models/stories260K.gguf"), 0, null, 1);

        assertThat(product.productName()).isEqualTo("maas-model-stories260k");
        assertThat(product.productId()).isEqualTo(ProductConfig.stableId("maas-model-stories260k"));
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
