package org.openmaas.catalog;

import java.util.Objects;
import java.util.OptionalInt;
import org.openmaas.engine.llamacpp.FlashAttention;
import org.openmaas.engine.llamacpp.KvCacheType;

/**
 * How the embedded engine runs a product's model on the llama.cpp build it loaded.
 *
 * @param gpuLayers      layers offloaded to the GPU of a GPU build (-1: all); empty for {@code maas serve --gpu-layers}
 * @param flashAttention whether attention uses llama.cpp's flash-attention kernels (auto: where the device has them)
 * @param kvCacheType    what the KV cache stores: f16, or q8_0 for about half its memory, ...
 */
public record LlamaSettings(OptionalInt gpuLayers, FlashAttention flashAttention, KvCacheType kvCacheType) {

    /** llama.cpp's own defaults; the GPU layers as {@code maas serve} says. */
    public static final LlamaSettings DEFAULT = new LlamaSettings(OptionalInt.empty(), FlashAttention.AUTO, KvCacheType.F16);

    public LlamaSettings {
        Objects.requireNonNull(gpuLayers, "gpuLayers");
        Objects.requireNonNull(flashAttention, "flashAttention");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        if (gpuLayers.isPresent() && gpuLayers.getAsInt() < -1) {
            throw new IllegalArgumentException("gpu_layers must be 0 or more, or -1 for all, got " + gpuLayers.getAsInt());
        }
        kvCacheType.requireSupportedWith(flashAttention);
    }
}
