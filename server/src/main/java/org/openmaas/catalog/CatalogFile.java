package org.openmaas.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openmaas.engine.llamacpp.FlashAttention;
import org.openmaas.engine.llamacpp.KvCacheType;

/**
 * Reads a catalog file: the products an operator declares, each bound to a GGUF path or hub reference.
 *
 * <pre>
 * llama_lib: /opt/llama.cpp-cuda/lib                      # optional: a llama.cpp build of the same release (CUDA,
 *                                                         #   Vulkan, ROCm); --llama-lib and MAAS_LLAMA_LIB win
 * products:
 *   - product_name: maas-model-llama-3.1-8b
 *     product_id: ba5d2874-dc83-425e-af98-c810f11dad79    # optional: derived from the name
 *     model_name: meta-llama/Meta-Llama-3.1-8B-Instruct   # optional: the GGUF's general.name
 *     model: models/llama-3.1-8b-instruct-q4_0.gguf       # or hf://owner/repo/file.gguf
 *     context_length: 4096                                # optional: the model's own, at most 4096
 *     prompt_format: chat                                 # raw (default) or chat
 *     chat_template: llama3                               # optional: the GGUF's own
 *     slots: 1                                            # optional: concurrent sequences
 *     max_queued: 64                                      # optional: waiting requests before 429
 *     reproducible: false                                 # optional: decode every request alone
 *     prefill_chunk: 128                                  # optional: prompt tokens a step takes beside generating ones
 *     gpu_layers: 99                                      # optional: layers on the GPU (-1 all); else --gpu-layers
 *     flash_attention: auto                               # optional: auto (default), on or off
 *     kv_cache_type: q8_0                                 # optional: f16 (default), q8_0 (half the memory), q4_0, ...
 * </pre>
 * Relative model paths are taken from the catalog file's folder. Any mistake is reported with the product it is in.
 */
public final class CatalogFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    record Document(@JsonProperty(value = "products", required = true) List<Entry> products,
                    @JsonProperty("llama_lib") String llamaLib) {
    }

    record Entry(
            @JsonProperty("product_name") String productName,
            @JsonProperty("product_id") String productId,
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model") String model,
            @JsonProperty("context_length") Integer contextLength,
            @JsonProperty("prompt_format") String promptFormat,
            @JsonProperty("chat_template") String chatTemplate,
            @JsonProperty("slots") Integer slots,
            @JsonProperty("max_queued") Integer maxQueued,
            @JsonProperty("reproducible") Boolean reproducible,
            @JsonProperty("prefill_chunk") Integer prefillChunk,
            @JsonProperty("gpu_layers") Integer gpuLayers,
            @JsonProperty("flash_attention") String flashAttention,
            @JsonProperty("kv_cache_type") String kvCacheType) {
    }

    private CatalogFile() {
    }

    /** @throws IllegalArgumentException with a sentence naming the file, the product and the mistake */
    public static List<ProductConfig> read(Path file) {
        Document document = document(file);
        if (document == null || document.products() == null || document.products().isEmpty()) {
            throw new IllegalArgumentException("catalog file " + file + " declares no products (expected a 'products:' list)");
        }
        Path baseDir = file.toAbsolutePath().getParent();
        List<ProductConfig> products = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < document.products().size(); i++) {
            ProductConfig product = toProduct(document.products().get(i), i, baseDir, file);
            if (!names.add(product.productName())) {
                throw new IllegalArgumentException("catalog file " + file + ": product_name " + product.productName()
                        + " is declared twice");
            }
            if (!ids.add(product.productId())) {
                throw new IllegalArgumentException("catalog file " + file + ": product_id " + product.productId()
                        + " is used by two products");
            }
            products.add(product);
        }
        return products;
    }

    /**
     * The folder of the llama.cpp build the catalog names ({@code llama_lib}, relative to the catalog's folder), if any.
     *
     * @throws IllegalArgumentException as {@link #read} does
     */
    public static Optional<Path> llamaLibrary(Path file) {
        Document document = document(file);
        return Optional.ofNullable(document == null ? null : document.llamaLib()).filter(dir -> !dir.isBlank())
                .map(dir -> file.toAbsolutePath().getParent().resolve(dir));
    }

    private static Document document(Path file) {
        try {
            return YAML.readValue(Files.readAllBytes(file), Document.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("catalog file " + file + " does not exist");
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("catalog file " + file + ": unknown key '" + e.getPropertyName()
                    + "'; allowed keys: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")));
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("catalog file " + file + ": " + e.getOriginalMessage()
                    + " at " + e.getPathReference());
        } catch (IOException e) {
            throw new IllegalArgumentException("catalog file " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static ProductConfig toProduct(Entry entry, int index, Path baseDir, Path file) {
        String where = "catalog file " + file + ", product " + (index + 1);
        if (entry == null) { // a bare '-' (or '- ~') in the list: YAML reads it as null, not as an entry without keys
            throw new IllegalArgumentException(where + ": the entry is empty; give at least product_name and model");
        }
        where += (entry.productName() == null ? "" : " (" + entry.productName() + ")") + ": ";
        try {
            if (entry.productName() == null) {
                throw new IllegalArgumentException("product_name is required");
            }
            if (entry.model() == null || entry.model().isBlank()) {
                throw new IllegalArgumentException("model is required: a GGUF path or hf://owner/repo/file.gguf");
            }
            UUID id = entry.productId() == null ? ProductConfig.stableId(entry.productName()) : parseId(entry.productId());
            return new ProductConfig(entry.productName(), id, blankToNull(entry.modelName()),
                    ModelSource.parse(entry.model(), baseDir),
                    entry.contextLength() == null ? 0 : entry.contextLength(),
                    parseFormat(entry.promptFormat()),
                    blankToNull(entry.chatTemplate()),
                    entry.slots() == null ? 1 : entry.slots(),
                    entry.maxQueued() == null ? ProductConfig.DEFAULT_MAX_QUEUED : entry.maxQueued(),
                    Boolean.TRUE.equals(entry.reproducible()),
                    entry.prefillChunk() == null ? ProductConfig.DEFAULT_PREFILL_CHUNK : entry.prefillChunk(),
                    new LlamaSettings(entry.gpuLayers() == null ? OptionalInt.empty() : OptionalInt.of(entry.gpuLayers()),
                            entry.flashAttention() == null ? FlashAttention.AUTO : FlashAttention.parse(entry.flashAttention()),
                            entry.kvCacheType() == null ? KvCacheType.F16 : KvCacheType.parse(entry.kvCacheType())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("product_id '" + id + "' is not a UUID");
        }
    }

    private static PromptFormat parseFormat(String format) {
        if (format == null) {
            return PromptFormat.RAW;
        }
        try {
            return PromptFormat.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prompt_format '" + format + "' is not one of: raw, chat");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
