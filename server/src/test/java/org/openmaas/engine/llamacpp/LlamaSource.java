package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The source of the llama.cpp release the binding follows ({@code scripts/llama-cpp.sh source}; {@code ./dev test}
 * fetches it and names it in {@code MAAS_LLAMA_SOURCE}): its {@code include/llama.h}, and real test data no one here
 * invented — vocabulary-only GGUFs of real tokenizers ({@code models/ggml-vocab-*.gguf}) and real chat templates
 * ({@code models/templates/*.jinja}). A test that needs it fails, saying what to run, when it is missing.
 */
public final class LlamaSource {

    private LlamaSource() {
    }

    /** The source tree: {@code MAAS_LLAMA_SOURCE}, else the cache folder beside the libraries'. */
    public static Path folder() {
        String own = System.getenv("MAAS_LLAMA_SOURCE");
        Map<String, String> cacheEnvironment = new LinkedHashMap<>(System.getenv());
        cacheEnvironment.remove(NativeLibrary.ENV_FOLDER);
        // .../llama.cpp-<version>/libs/package/bins/linux-x64 -> .../llama.cpp-<version>/source
        Path folder = own != null && !own.isBlank() ? Path.of(own)
                : NativeLibrary.defaultFolder(cacheEnvironment, Optional.empty(), System.getProperty("user.home"))
                .getParent().getParent().getParent().getParent().resolve("source");
        assertThat(folder.resolve("include/llama.h"))
                .as("the llama.cpp source (run scripts/llama-cpp.sh source, or set MAAS_LLAMA_SOURCE)").isRegularFile();
        return folder;
    }

    /** A real tokenizer: {@code models/ggml-vocab-<name>.gguf}, such as {@code llama-bpe} (Llama 3) or {@code qwen2}. */
    public static Path vocabulary(String name) {
        Path file = folder().resolve("models/ggml-vocab-" + name + ".gguf");
        assertThat(file).as("llama.cpp's vocabulary %s", name).isRegularFile();
        return file;
    }
}
