package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.gguf.TensorType;
import org.openmaas.testing.TestModels;

/** The estimate made from the GGUF's header agrees with what llama.cpp itself reports once the model is loaded. */
class MemoryEstimateTest {

    // Grouped-query attention (8 heads, 2 of K and V) and a Q8_0 file: neither is the simple case.
    private static final RandomLlama.Spec SPEC =
            new RandomLlama.Spec("estimate", 512, 256, 3, 8, 2, 512, 1024, TensorType.Q8_0, 5, null);

    @Test
    void theWeightsAreTheTensorDataLlamaCppLoads() throws IOException {
        Path file = TestModels.generated(SPEC);
        MemoryEstimate estimate = MemoryEstimate.of(GgufReader.read(file), 0, 1, KvCacheType.F16);

        try (LlamaModel model = LlamaModel.load(file, null)) {
            assertThat(estimate.weightBytes()).isEqualTo(model.bytes());
        }
    }

    @Test
    void theKvCacheIsLayersTimesCellsTimesKAndVOfEachKvHead() throws IOException {
        Path file = TestModels.generated(SPEC);
        MemoryEstimate estimate = MemoryEstimate.of(GgufReader.read(file), 512, 4, KvCacheType.Q8_0);

        // 3 layers × (512 tokens × 4 slots) cells × 2 KV heads × (32 K + 32 V values) in Q8_0 (34 bytes per 32 values)
        assertThat(estimate.kvCacheBytes()).isEqualTo(3L * 512 * 4 * 2 * 64 * 34 / 32);
        try (LlamaModel model = LlamaModel.load(file, null)) {
            assertThat(estimate.kvCacheBytes()).isEqualTo(model.kvBytesPerToken(KvCacheType.Q8_0) * 512 * 4);
        }
    }

    @Test
    void eachSlotsStreamIsRoundedUpTo256CellsAsLlamaCppAllocatesIt() throws IOException {
        Path file = TestModels.generated(SPEC);
        MemoryEstimate estimate = MemoryEstimate.of(GgufReader.read(file), 300, 4, KvCacheType.F16);

        try (LlamaModel model = LlamaModel.load(file, null)) {
            assertThat(estimate.kvCacheBytes()).isEqualTo(model.kvBytesPerToken(KvCacheType.F16) * 512 * 4);
            MemorySegment context = StepLoop.createContext(model, new LlamaEngine.Config(file, 300, 1, 4, 512, 8, null),
                    300 * 4, 4);
            try {
                assertThat(ContextBindings.N_CTX.call(context)).isEqualTo(512 * 4);
            } finally {
                ContextBindings.FREE.call(context);
            }
        }
    }

    @Test
    void withoutAContextLengthTheEstimateTakesTheEnginesDefault() throws IOException {
        MemoryEstimate estimate = MemoryEstimate.of(GgufReader.read(TestModels.generated(SPEC)), 0, 1, KvCacheType.F16);

        assertThat(estimate.contextLength()).isEqualTo(1024); // the trained context, under the 4096 cap
        assertThat(estimate.describe()).isEqualTo(MemoryEstimate.mib(estimate.totalBytes()) + " (weights "
                + MemoryEstimate.mib(estimate.weightBytes()) + " + KV cache 0.8 MiB for 1024 tokens × 1 slots in f16)");
    }

    @Test
    void aContextBeyondTheTrainedOneIsRefusedAsTheEngineWouldRefuseIt() {
        assertThatThrownBy(() -> MemoryEstimate.of(GgufReader.read(TestModels.generated(SPEC)), 2048, 1, KvCacheType.F16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contextLength 2048 exceeds the 1024 tokens the model was trained with");
    }
}
