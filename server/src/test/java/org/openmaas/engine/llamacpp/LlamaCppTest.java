package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The struct layouts against what the library itself fills in. */
class LlamaCppTest {

    @Test
    void theStructLayoutsHaveTheSizesOfBuildB4916() {
        assertThat(LlamaCpp.MODEL_PARAMS.byteSize()).isEqualTo(64);
        assertThat(LlamaCpp.CONTEXT_PARAMS.byteSize()).isEqualTo(120);
        assertThat(LlamaCpp.BATCH.byteSize()).isEqualTo(56);
        assertThat(LlamaCpp.CHAT_MESSAGE.byteSize()).isEqualTo(16);
        assertThat(LlamaCpp.SAMPLER_CHAIN_PARAMS.byteSize()).isEqualTo(1);
    }

    @Test
    void modelDefaultsReadThroughTheLayoutAreLlamaCppsDefaults() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = LlamaCpp.modelDefaultParams(arena);

            assertThat(params.get(JAVA_BOOLEAN, LlamaCpp.MODEL_PARAMS_USE_MMAP)).isTrue();
            assertThat(params.get(JAVA_BOOLEAN, offset("use_mlock"))).isFalse();
            assertThat(params.get(JAVA_BOOLEAN, offset("vocab_only"))).isFalse();
        }
    }

    @Test
    void contextDefaultsReadThroughTheLayoutAreLlamaCppsDefaults() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = LlamaCpp.contextDefaultParams(arena);

            assertThat(params.get(JAVA_INT, LlamaCpp.CONTEXT_PARAMS_N_CTX)).isEqualTo(512);
            assertThat(params.get(JAVA_INT, LlamaCpp.CONTEXT_PARAMS_N_BATCH)).isEqualTo(2048);
            assertThat(params.get(JAVA_INT, LlamaCpp.CONTEXT_PARAMS_N_UBATCH)).isEqualTo(512);
            assertThat(params.get(JAVA_INT, LlamaCpp.CONTEXT_PARAMS_N_SEQ_MAX)).isEqualTo(1);
            assertThat(params.get(JAVA_INT, contextOffset("type_k"))).as("GGML_TYPE_F16").isEqualTo(1);
            assertThat(params.get(JAVA_BOOLEAN, contextOffset("offload_kqv"))).isTrue();
            assertThat(params.get(JAVA_BOOLEAN, LlamaCpp.CONTEXT_PARAMS_NO_PERF)).isTrue();
        }
    }

    private static long offset(String field) {
        return LlamaCpp.MODEL_PARAMS.byteOffset(PathElement.groupElement(field));
    }

    private static long contextOffset(String field) {
        return LlamaCpp.CONTEXT_PARAMS.byteOffset(PathElement.groupElement(field));
    }
}
