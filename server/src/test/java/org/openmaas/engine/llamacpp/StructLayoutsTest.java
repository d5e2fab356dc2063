package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding's struct layouts and constants against the bound release's own {@code include/llama.h} (compiled with
 * gcc: {@code sizeof} and {@code offsetof} of every field the layouts name), and the library's check of them at load.
 * The header comes from the release's source, which {@code scripts/llama-cpp.sh source} caches ({@code ./dev test}
 * fetches it; {@code MAAS_LLAMA_SOURCE} names another copy).
 */
class StructLayoutsTest {

    /** The C struct each layout binds. */
    private static final Map<String, StructLayout> STRUCTS = Map.of(
            "llama_model_params", ModelBindings.PARAMS,
            "llama_context_params", ContextBindings.PARAMS,
            "llama_batch", BatchBindings.BATCH,
            "llama_chat_message", ChatBindings.MESSAGE,
            "llama_sampler_chain_params", SamplerBindings.CHAIN_PARAMS,
            "ggml_threadpool_params", Threadpool.PARAMS);

    /** The C enum constants the binding writes or reads, with the value it uses. */
    private static final Map<String, Integer> CONSTANTS = constants();

    private static Map<String, Long> header; // what the compiled program printed: name -> number

    @BeforeAll
    static void compileAProgramAgainstTheHeader(@TempDir Path dir) throws Exception {
        Path source = LlamaSource.folder();
        StringBuilder c = new StringBuilder("""
                #include <stddef.h>
                #include <stdio.h>
                #include "llama.h"
                #include "ggml-backend.h"
                int main(void) {
                """);
        STRUCTS.forEach((name, layout) -> {
            c.append("  printf(\"%s %zu\\n\", \"").append(name).append("\", sizeof(struct ").append(name).append("));\n");
            for (String field : fields(layout)) {
                c.append("  printf(\"%s %zu\\n\", \"").append(name).append('.').append(field).append("@\", offsetof(struct ")
                        .append(name).append(", ").append(field).append("));\n");
                c.append("  printf(\"%s %zu\\n\", \"").append(name).append('.').append(field)
                        .append("#\", sizeof(((struct ").append(name).append(" *) 0)->").append(field).append("));\n");
            }
        });
        CONSTANTS.keySet().forEach(name ->
                c.append("  printf(\"%s %lld\\n\", \"").append(name).append("\", (long long) ").append(name).append(");\n"));
        c.append("  return 0;\n}\n");
        Path program = dir.resolve("layouts.c");
        Files.writeString(program, c);
        run(dir, "gcc", "-std=c11", "-I", source.resolve("include").toString(), "-I",
                source.resolve("ggml/include").toString(), program.toString(), "-o", dir.resolve("layouts").toString());
        header = new LinkedHashMap<>();
        for (String line : run(dir, dir.resolve("layouts").toString()).split("\n")) {
            String[] parts = line.split(" ");
            header.put(parts[0], Long.parseLong(parts[1]));
        }
    }

    @Test
    void everyStructHasTheSizeTheHeaderGivesIt() {
        STRUCTS.forEach((name, layout) -> assertThat(layout.byteSize()).as("sizeof(struct %s)", name)
                .isEqualTo(header.get(name)));
    }

    @Test
    void everyFieldTheLayoutsNameHasTheHeadersOffsetAndSize() {
        STRUCTS.forEach((name, layout) -> {
            for (String field : fields(layout)) {
                MemoryLayout.PathElement path = MemoryLayout.PathElement.groupElement(field);
                assertThat(layout.byteOffset(path)).as("offsetof(struct %s, %s)", name, field)
                        .isEqualTo(header.get(name + "." + field + "@"));
                assertThat(layout.select(path).byteSize()).as("sizeof %s.%s", name, field)
                        .isEqualTo(header.get(name + "." + field + "#"));
            }
        });
    }

    @Test
    void noStretchOfAStructIsLeftUnnamed() {
        // Padding is only the alignment gap before a pointer or at the end, never a field of the header left out.
        STRUCTS.forEach((name, layout) -> layout.memberLayouts().stream().filter(m -> m instanceof PaddingLayout)
                .forEach(padding -> assertThat(padding.byteSize()).as("a gap in struct %s", name).isLessThan(8)));
    }

    @Test
    void theConstantsTheBindingUsesAreTheHeaders() {
        CONSTANTS.forEach((name, value) -> assertThat(header.get(name)).as(name).isEqualTo(value.longValue()));
    }

    @Test
    void theLibraryFillsInItsDefaultsWhereTheLayoutsReadThem() {
        LlamaLibrary.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment model = ModelBindings.DEFAULT_PARAMS.call(arena);
            MemorySegment context = ContextBindings.DEFAULT_PARAMS.call(arena);

            assertThat(model.get(JAVA_INT, ModelBindings.PARAMS_N_GPU_LAYERS)).isEqualTo(-1);
            assertThat(model.get(ADDRESS, 0)).as("devices").isEqualTo(MemorySegment.NULL);
            assertThat(context.get(JAVA_INT, ContextBindings.PARAMS_N_BATCH)).isEqualTo(2048);
            assertThat(context.get(JAVA_INT, ContextBindings.PARAMS_FLASH_ATTN_TYPE)).isEqualTo(FlashAttention.AUTO.value());
            assertThat(context.get(JAVA_INT, ContextBindings.PARAMS_TYPE_K)).isEqualTo(KvCacheType.F16.ggmlType());
            assertThat(context.get(JAVA_BOOLEAN, ContextBindings.PARAMS_KV_UNIFIED)).isFalse();
        }
    }

    @Test
    void aStructOfAnotherReleaseIsReportedFieldByFieldAndWhenItIsLarger() {
        // b4916's llama_model_params: 64 bytes, n_gpu_layers at 8 and use_mmap at 57 (defaults 999 and true then).
        StructLayout older = MemoryLayout.structLayout(ADDRESS.withName("devices"), JAVA_INT.withName("n_gpu_layers"),
                JAVA_INT.withName("split_mode"), JAVA_INT.withName("main_gpu"), MemoryLayout.paddingLayout(4),
                ADDRESS.withName("tensor_split"), ADDRESS.withName("progress_callback"),
                ADDRESS.withName("progress_callback_user_data"), ADDRESS.withName("kv_overrides"),
                JAVA_BOOLEAN.withName("vocab_only"), JAVA_BOOLEAN.withName("use_mmap"), JAVA_BOOLEAN.withName("use_mlock"),
                JAVA_BOOLEAN.withName("check_tensors"), MemoryLayout.paddingLayout(4));
        NativeLibrary.Opened library = LlamaLibrary.load();

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment filled = StructCheck.returned(library, "llama_model_default_params", older, arena);
            List<String> mismatches = StructCheck.compare("llama_model_params", older, filled,
                    Map.of("n_gpu_layers", 999, "use_mmap", true));

            assertThat(mismatches).contains(
                    "llama_model_params.n_gpu_layers at byte 8 reads 0 where the release has 999",
                    "llama_model_params.use_mmap at byte 57 reads false where the release has true",
                    "llama_model_params is larger than the 64 bytes bound here");
        }
    }

    @Test
    void aFolderWithoutTheLibrariesIsRefusedSayingHowToGetThem(@TempDir Path empty) {
        assertThatThrownBy(() -> NativeLibrary.open(empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no libllama")
                .hasMessageContaining("scripts/llama-cpp.sh libs")
                .hasMessageContaining("--llama-lib or MAAS_LLAMA_LIB");
        assertThatThrownBy(() -> NativeLibrary.open(empty.resolve("absent")))
                .hasMessageStartingWith("no llama.cpp library folder " + empty.resolve("absent"));
    }

    @Test
    void theDefaultFolderIsTheOperatorsThenThePassedOneThenTheScriptsCache() {
        Path cache = Path.of("llama.cpp-" + NativeLibrary.PACKAGE_VERSION, "libs/package/bins/linux-x64");

        assertThat(NativeLibrary.defaultFolder(Map.of("MAAS_LLAMA_LIB", "/opt/cuda-llama"), Optional.of("/p"), "/home/u"))
                .isEqualTo(Path.of("/opt/cuda-llama"));
        assertThat(NativeLibrary.defaultFolder(Map.of(), Optional.of("/p"), "/home/u")).isEqualTo(Path.of("/p"));
        assertThat(NativeLibrary.defaultFolder(Map.of("OPENMAAS_CACHE", "/c", "XDG_CACHE_HOME", "/x"), Optional.empty(),
                "/home/u")).isEqualTo(Path.of("/c").resolve(cache));
        assertThat(NativeLibrary.defaultFolder(Map.of("XDG_CACHE_HOME", "/x"), Optional.empty(), "/home/u"))
                .isEqualTo(Path.of("/x/openmaas").resolve(cache));
        assertThat(NativeLibrary.defaultFolder(Map.of(), Optional.empty(), "/home/u"))
                .isEqualTo(Path.of("/home/u/.cache/openmaas").resolve(cache));
    }

    private static Map<String, Integer> constants() {
        Map<String, Integer> constants = new LinkedHashMap<>();
        for (KvCacheType type : KvCacheType.values()) {
            constants.put("GGML_TYPE_" + type.name(), type.ggmlType());
        }
        constants.put("LLAMA_FLASH_ATTN_TYPE_AUTO", FlashAttention.AUTO.value());
        constants.put("LLAMA_FLASH_ATTN_TYPE_ENABLED", FlashAttention.ON.value());
        constants.put("LLAMA_FLASH_ATTN_TYPE_DISABLED", FlashAttention.OFF.value());
        constants.put("LLAMA_TOKEN_ATTR_UNKNOWN", VocabBindings.TOKEN_ATTR_UNKNOWN);
        constants.put("LLAMA_TOKEN_ATTR_CONTROL", VocabBindings.TOKEN_ATTR_CONTROL);
        constants.put("GGML_LOG_LEVEL_WARN", 3);
        constants.put("GGML_LOG_LEVEL_ERROR", 4);
        constants.put("GGML_LOG_LEVEL_CONT", 5);
        constants.put("GGML_BACKEND_DEVICE_TYPE_CPU", 0);
        constants.put("GGML_BACKEND_DEVICE_TYPE_GPU", 1);
        return constants;
    }

    private static List<String> fields(StructLayout layout) {
        return layout.memberLayouts().stream().filter(m -> !(m instanceof PaddingLayout))
                .map(m -> m.name().orElseThrow()).toList();
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s said: %s", String.join(" ", command), output).isZero();
        return output;
    }
}
