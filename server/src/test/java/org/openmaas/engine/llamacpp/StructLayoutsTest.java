package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The struct layouts against what the library itself fills in. */
class StructLayoutsTest {

    @Test
    void theStructLayoutsHaveTheSizesOfBuildB4916() {
        assertThat(ModelBindings.PARAMS.byteSize()).isEqualTo(64);
        assertThat(ContextBindings.PARAMS.byteSize()).isEqualTo(120);
        assertThat(BatchBindings.BATCH.byteSize()).isEqualTo(56);
        assertThat(ChatBindings.MESSAGE.byteSize()).isEqualTo(16);
        assertThat(SamplerBindings.CHAIN_PARAMS.byteSize()).isEqualTo(1);
    }

    @Test
    void modelDefaultsReadThroughTheLayoutAreLlamaCppsDefaults() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = ModelBindings.DEFAULT_PARAMS.call(arena);

            assertThat(params.get(JAVA_BOOLEAN, ModelBindings.PARAMS_USE_MMAP)).isTrue();
            assertThat(params.get(JAVA_BOOLEAN, offset("use_mlock"))).isFalse();
            assertThat(params.get(JAVA_BOOLEAN, offset("vocab_only"))).isFalse();
        }
    }

    @Test
    void contextDefaultsReadThroughTheLayoutAreLlamaCppsDefaults() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = ContextBindings.DEFAULT_PARAMS.call(arena);

            assertThat(params.get(JAVA_INT, ContextBindings.PARAMS_N_CTX)).isEqualTo(512);
            assertThat(params.get(JAVA_INT, ContextBindings.PARAMS_N_BATCH)).isEqualTo(2048);
            assertThat(params.get(JAVA_INT, ContextBindings.PARAMS_N_UBATCH)).isEqualTo(512);
            assertThat(params.get(JAVA_INT, ContextBindings.PARAMS_N_SEQ_MAX)).isEqualTo(1);
            assertThat(params.get(JAVA_INT, contextOffset("type_k"))).as("GGML_TYPE_F16").isEqualTo(1);
            assertThat(params.get(JAVA_BOOLEAN, contextOffset("offload_kqv"))).isTrue();
            assertThat(params.get(JAVA_BOOLEAN, ContextBindings.PARAMS_NO_PERF)).isTrue();
        }
    }

    private static long offset(String field) {
        return ModelBindings.PARAMS.byteOffset(PathElement.groupElement(field));
    }

    private static long contextOffset(String field) {
        return ContextBindings.PARAMS.byteOffset(PathElement.groupElement(field));
    }
}
