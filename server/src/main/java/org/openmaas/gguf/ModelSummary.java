package org.openmaas.gguf;

import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * What an operator wants to know of a GGUF before serving it, read from its header alone.
 *
 * @param name          {@code general.name}; null when the file has none
 * @param architecture  {@code general.architecture}, e.g. llama, qwen2
 * @param fileType      the quantization, in llama.cpp's names (Q4_K_M, Q8_0, F16, ...)
 * @param contextLength the context the model was trained with; empty when the header does not say
 * @param chatTemplate  whether the file carries {@code tokenizer.chat_template}
 */
public record ModelSummary(String name, String architecture, String fileType, OptionalInt contextLength,
                           boolean chatTemplate) {

    // llama.cpp's llama_ftype (include/llama.h); the gaps are types it has removed.
    private static final Map<Long, String> FILE_TYPES = Map.ofEntries(
            Map.entry(0L, "F32"), Map.entry(1L, "F16"), Map.entry(2L, "Q4_0"), Map.entry(3L, "Q4_1"),
            Map.entry(7L, "Q8_0"), Map.entry(8L, "Q5_0"), Map.entry(9L, "Q5_1"), Map.entry(10L, "Q2_K"),
            Map.entry(11L, "Q3_K_S"), Map.entry(12L, "Q3_K_M"), Map.entry(13L, "Q3_K_L"), Map.entry(14L, "Q4_K_S"),
            Map.entry(15L, "Q4_K_M"), Map.entry(16L, "Q5_K_S"), Map.entry(17L, "Q5_K_M"), Map.entry(18L, "Q6_K"),
            Map.entry(19L, "IQ2_XXS"), Map.entry(20L, "IQ2_XS"), Map.entry(21L, "Q2_K_S"), Map.entry(22L, "IQ3_XS"),
            Map.entry(23L, "IQ3_XXS"), Map.entry(24L, "IQ1_S"), Map.entry(25L, "IQ4_NL"), Map.entry(26L, "IQ3_S"),
            Map.entry(27L, "IQ3_M"), Map.entry(28L, "IQ2_S"), Map.entry(29L, "IQ2_M"), Map.entry(30L, "IQ4_XS"),
            Map.entry(31L, "IQ1_M"), Map.entry(32L, "BF16"), Map.entry(36L, "TQ1_0"), Map.entry(37L, "TQ2_0"),
            Map.entry(38L, "MXFP4_MOE"));

    public ModelSummary {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(fileType, "fileType");
        Objects.requireNonNull(contextLength, "contextLength");
    }

    /** @throws RuntimeException naming the key when a key this needs is missing or of the wrong type */
    public static ModelSummary of(GgufReader gguf) {
        String architecture = gguf.architecture();
        long context = gguf.optionalInteger(architecture + ".context_length").orElse(-1);
        return new ModelSummary(gguf.optionalString("general.name").orElse(null), architecture, fileType(gguf),
                context > 0 && context <= Integer.MAX_VALUE ? OptionalInt.of((int) context) : OptionalInt.empty(),
                gguf.metadata().containsKey("tokenizer.chat_template"));
    }

    /**
     * {@code general.file_type} in llama.cpp's words; without it, the type holding most of the weights, as llama.cpp
     * itself guesses.
     */
    private static String fileType(GgufReader gguf) {
        var declared = gguf.optionalInteger("general.file_type");
        if (declared.isPresent()) {
            return FILE_TYPES.getOrDefault(declared.getAsLong(), "file type " + declared.getAsLong());
        }
        return gguf.tensors().stream()
                .collect(Collectors.groupingBy(TensorInfo::type, Collectors.summingLong(TensorInfo::byteSize)))
                .entrySet().stream().max(Comparator.comparingLong(Map.Entry::getValue))
                .map(e -> e.getKey() + " (guessed)").orElse("unknown");
    }
}
