package org.openmaas.catalog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A product as an operator declares it, before its model is loaded.
 *
 * @param modelName     the hub id clients send as {@code model}; null to take the GGUF's {@code general.name}
 * @param contextLength tokens per sequence (prompt plus generated); 0 for the model's own (capped by the engine)
 * @param chatTemplate  a template source or built-in llama.cpp name (e.g. {@code chatml}); null for the GGUF's own
 * @param slots         sequences the product's engine decodes at once
 * @param maxQueued     requests that may wait for a slot; more are refused with 429 and Retry-After
 * @param reproducible  every request of this product decodes alone, so its tokens never depend on other load
 * @param prefillChunk  most prompt tokens a decode step takes while other sequences generate: a longer prompt is
 *                      decoded over several steps, so the generating streams wait at most this much per token
 * @param llama         GPU layers, flash attention and KV cache type of the embedded engine
 * @param embeddings    the model is an embedding model: the product serves {@code /v1/embeddings} and generates nothing
 */
public record ProductConfig(String productName, UUID productId, String modelName, ModelSource source,
                            int contextLength, PromptFormat promptFormat, String chatTemplate, int slots,
                            int maxQueued, boolean reproducible, int prefillChunk, LlamaSettings llama,
                            boolean embeddings) {

    public static final int DEFAULT_MAX_QUEUED = 64;

    /**
     * Short prompts go in one step; a long one holds generating streams up for about 128 tokens' time a step, not for
     * the whole prompt (measured on two CPU cores and the 336 M-parameter benchmark model: streams beside a 422-token
     * prompt waited at most ~0.8 s for a token instead of ~2.5 s).
     */
    public static final int DEFAULT_PREFILL_CHUNK = 128;

    static final Pattern PRODUCT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final String PREFIX = "maas-model-";

    public ProductConfig {
        Objects.requireNonNull(productName, "productName");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(promptFormat, "promptFormat");
        Objects.requireNonNull(llama, "llama");
        if (!PRODUCT_NAME.matcher(productName).matches()) {
            throw new IllegalArgumentException("product_name '" + productName
                    + "' must be 1 to 100 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("context_length of " + productName + " must be >= 0, got " + contextLength);
        }
        if (slots < 1 || slots > 64) {
            throw new IllegalArgumentException("slots of " + productName + " must be between 1 and 64, got " + slots);
        }
        if (maxQueued < 1 || maxQueued > 10_000) {
            throw new IllegalArgumentException("max_queued of " + productName + " must be between 1 and 10000, got "
                    + maxQueued);
        }
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefill_chunk of " + productName + " must be at least 1, got "
                    + prefillChunk);
        }
    }

    /** A product that generates. */
    public ProductConfig(String productName, UUID productId, String modelName, ModelSource source, int contextLength,
                         PromptFormat promptFormat, String chatTemplate, int slots, int maxQueued, boolean reproducible,
                         int prefillChunk, LlamaSettings llama) {
        this(productName, productId, modelName, source, contextLength, promptFormat, chatTemplate, slots, maxQueued,
                reproducible, prefillChunk, llama, false);
    }

    /** A product with llama.cpp's default settings ({@link LlamaSettings#DEFAULT}). */
    public ProductConfig(String productName, UUID productId, String modelName, ModelSource source, int contextLength,
                         PromptFormat promptFormat, String chatTemplate, int slots, int maxQueued, boolean reproducible,
                         int prefillChunk) {
        this(productName, productId, modelName, source, contextLength, promptFormat, chatTemplate, slots, maxQueued,
                reproducible, prefillChunk, LlamaSettings.DEFAULT);
    }

    /**
     * The product {@code maas serve --model PATH} registers: named after the file, raw prompts, with the context
     * length, chat template and slots of {@code serve}'s flags (0, null and 1 without them).
     */
    public static ProductConfig forModelFile(Path file, int contextLength, String chatTemplate, int slots) {
        String productName = PREFIX + slug(file.getFileName().toString().replaceFirst("(?i)\\.gguf$", ""));
        return new ProductConfig(productName, stableId(productName), null, new ModelSource.LocalFile(file),
                contextLength, PromptFormat.RAW, chatTemplate, slots, DEFAULT_MAX_QUEUED, false, DEFAULT_PREFILL_CHUNK);
    }

    /** The same name always gives the same id, so clients may keep ids across restarts. */
    public static UUID stableId(String productName) {
        return UUID.nameUUIDFromBytes(("openmaas-product:" + productName).getBytes(StandardCharsets.UTF_8));
    }

    static String slug(String text) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-+|-+$)", "");
        return slug.isEmpty() ? "model" : slug;
    }
}
