package org.openmaas.engine.llamacpp;

import java.util.Locale;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.TensorInfo;

/**
 * What an engine will take in memory, read from the GGUF's header before anything loads: the weights (the tensor data)
 * and the KV cache (every layer keeps K and V of each head for every cell; an engine has a stream of context cells,
 * rounded up to a multiple of 256, for each slot).
 * Compute buffers and the vocabulary come on top; they are small beside these two for any real model.
 *
 * @param contextLength tokens per sequence, resolved as the engine will (the trained context up to 4096 by default)
 */
public record MemoryEstimate(long weightBytes, long kvCacheBytes, int contextLength, int slots, KvCacheType kvCacheType) {

    /**
     * @param contextLength the product's context length; 0 for the engine's default
     * @throws IllegalArgumentException when {@code contextLength} exceeds the trained one
     * @throws RuntimeException         naming the key when a hyperparameter the estimate needs is missing
     */
    public static MemoryEstimate of(GgufReader gguf, int contextLength, int slots, KvCacheType kvCacheType) {
        String arch = gguf.architecture();
        int context = LlamaEngine.resolveContextLength(contextLength,
                (int) gguf.optionalInteger(arch + ".context_length").orElse(0));
        long weights = gguf.tensors().stream().mapToLong(TensorInfo::byteSize).sum();
        long layers = gguf.integer(arch + ".block_count");
        long heads = gguf.integer(arch + ".attention.head_count");
        long kvHeads = gguf.optionalInteger(arch + ".attention.head_count_kv").orElse(heads);
        long headDimension = gguf.integer(arch + ".embedding_length") / heads;
        // Qwen3's and Gemma 3's heads are not embedding / heads wide: their GGUFs say how wide.
        long keyLength = gguf.optionalInteger(arch + ".attention.key_length").orElse(headDimension);
        long valueLength = gguf.optionalInteger(arch + ".attention.value_length").orElse(headDimension);
        long valuesPerCell = layers * kvHeads * (keyLength + valueLength);
        long kv = kvCacheType.bytes(valuesPerCell) * streamCells(context) * slots;
        return new MemoryEstimate(weights, kv, context, slots, kvCacheType);
    }

    /** The cells of one slot's KV stream: llama.cpp rounds a stream up to a multiple of 256. */
    static long streamCells(int contextLength) {
        return (contextLength + 255L) / 256 * 256;
    }

    public long totalBytes() {
        return weightBytes + kvCacheBytes;
    }

    /** For the log and error messages: each part and what it was computed from. */
    public String describe() {
        return mib(totalBytes()) + " (weights " + mib(weightBytes) + " + KV cache " + mib(kvCacheBytes) + " for "
                + contextLength + " tokens × " + slots + " slots in " + kvCacheType.label() + ")";
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
