package org.openmaas.engine.llamacpp;

import java.util.Locale;

/** Whether llama.cpp computes attention with its fused flash-attention kernels ({@code enum llama_flash_attn_type}). */
public enum FlashAttention {
    /** llama.cpp decides per device: on where the backend supports it (llama.cpp's default). */
    AUTO(-1),
    ON(1),
    OFF(0);

    private final int value;

    FlashAttention(int value) {
        this.value = value;
    }

    int value() {
        return value;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the allowed ones */
    public static FlashAttention parse(String label) {
        return switch (label.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "on", "true" -> ON;
            case "off", "false" -> OFF;
            default -> throw new IllegalArgumentException("flash_attention '" + label + "' is not one of: auto, on, off");
        };
    }
}
