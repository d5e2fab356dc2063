package org.openmaas.engine.llamacpp;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the KV cache stores its keys and values as: the types llama.cpp's own server offers for {@code --cache-type-k}
 * and {@code --cache-type-v} (ggml types). Below F16 the cache shrinks (Q8_0 to about half) at a small cost in
 * accuracy; llama.cpp needs flash attention for a quantized V cache.
 */
public enum KvCacheType {
    F32(0, 4, 1),
    F16(1, 2, 1),
    BF16(30, 2, 1),
    Q8_0(8, 34, 32),
    Q4_0(2, 18, 32),
    Q4_1(3, 20, 32),
    IQ4_NL(20, 18, 32),
    Q5_0(6, 22, 32),
    Q5_1(7, 24, 32);

    private final int ggmlType;     // enum ggml_type
    private final int blockBytes;   // bytes of one block of `blockValues` values
    private final int blockValues;

    KvCacheType(int ggmlType, int blockBytes, int blockValues) {
        this.ggmlType = ggmlType;
        this.blockBytes = blockBytes;
        this.blockValues = blockValues;
    }

    int ggmlType() {
        return ggmlType;
    }

    /** Bytes {@code values} values take in this type (a multiple of the block size, as every head dimension is). */
    long bytes(long values) {
        return values * blockBytes / blockValues;
    }

    /** The name operators write: {@code f16}, {@code q8_0}, as llama.cpp spells them. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException when this type cannot run with {@code flashAttention}: llama.cpp quantizes the V
     *                                  cache only with flash attention
     */
    public void requireSupportedWith(FlashAttention flashAttention) {
        if (blockValues > 1 && flashAttention == FlashAttention.OFF) {
            throw new IllegalArgumentException("kv_cache_type " + label() + " needs flash attention (llama.cpp quantizes "
                    + "the V cache only with it): set flash_attention to auto or on, or use kv_cache_type f16");
        }
    }

    /** @throws IllegalArgumentException naming the value and the allowed ones */
    public static KvCacheType parse(String label) {
        for (KvCacheType type : values()) {
            if (type.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("kv_cache_type '" + label + "' is not one of: "
                + Arrays.stream(values()).map(KvCacheType::label).collect(Collectors.joining(", ")));
    }
}
