package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.Generations.Outcome;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.gguf.TensorType;
import org.openmaas.testing.TestModels;

/** The product settings the engine hands llama.cpp: KV cache type, flash attention, GPU layers. */
class LlamaEngineSettingsTest {

    /** Heads of 32 values: a whole Q8_0 or Q4_0 block, as a quantized KV cache needs. */
    private static final RandomLlama.Spec SPEC =
            new RandomLlama.Spec("random-llama-heads-32", 512, 128, 2, 4, 2, 256, 1024, TensorType.F32, 3, null);

    @Test
    void aQ8KvCacheTakesAbout17Of32OfTheBytesOfAnF16One() throws Exception {
        try (LlamaModel model = LlamaModel.load(TestModels.generated(SPEC), null)) {
            long f16 = model.kvBytesPerToken(KvCacheType.F16);

            // 2 layers × K and V × 2 KV heads × 32 values × 2 bytes; Q8_0 stores 32 values in 34 bytes.
            assertThat(f16).isEqualTo(2 * 2 * 2 * 32 * 2);
            assertThat(model.kvBytesPerToken(KvCacheType.Q8_0)).isEqualTo(f16 * 17 / 32);
            assertThat(model.kvBytesPerToken(KvCacheType.Q4_0)).isEqualTo(f16 * 9 / 32);
        }
    }

    @Test
    void quantizedKvCachesGenerateTheWholeRequest() throws Exception {
        for (KvCacheType type : List.of(KvCacheType.Q8_0, KvCacheType.Q4_0)) {
            Outcome outcome = generate(config(0, FlashAttention.AUTO, type), 40);

            assertThat(outcome.finished().reason()).as(type.label()).isEqualTo(FinishReason.LENGTH);
            assertThat(outcome.tokens()).as(type.label()).hasSize(40);
        }
    }

    @Test
    void flashAttentionOffAndOnBothGenerate() throws Exception {
        for (FlashAttention flashAttention : FlashAttention.values()) {
            assertThat(generate(config(0, flashAttention, KvCacheType.F16), 20).tokens()).as(flashAttention.label())
                    .hasSize(20);
        }
    }

    @Test
    void gpuLayersOnABuildWithoutAGpuLeaveTheModelOnTheCpu() throws Exception {
        assertThat(generate(config(-1, FlashAttention.AUTO, KvCacheType.F16), 20).tokens()).hasSize(20);
    }

    @Test
    void aQuantizedKvCacheWithFlashAttentionOffIsRefusedBeforeLlamaCppSeesIt() {
        assertThatThrownBy(() -> config(0, FlashAttention.OFF, KvCacheType.Q8_0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kv_cache_type q8_0 needs flash attention (llama.cpp quantizes the V cache only with it): "
                        + "set flash_attention to auto or on, or use kv_cache_type f16");
    }

    private static LlamaEngine.Config config(int gpuLayers, FlashAttention flashAttention, KvCacheType kvCacheType) {
        Path model = TestModels.generated(SPEC);
        return new LlamaEngine.Config(model, 256, 1, 2, 512, 4, null, -1, 0, gpuLayers, flashAttention, kvCacheType);
    }

    private static Outcome generate(LlamaEngine.Config config, int tokens) throws Exception {
        try (LlamaEngine engine = LlamaEngine.start(config)) {
            GenerationRequest request = new GenerationRequest("settings", "acct", engine.tokenize("Once upon a time", false),
                    tokens, Sampling.greedy(), List.of(), 0, false);
            return Generations.drain(engine.submit(request));
        }
    }
}
