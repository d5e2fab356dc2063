package org.openmaas.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.gguf.RandomLlama.Spec;

class GgufRandomLlamaTest {

    @TempDir
    Path dir;

    private GgufReader write(Spec spec) throws IOException {
        Path file = dir.resolve(spec.name() + "-" + spec.type() + "-" + spec.seed() + ".gguf");
        RandomLlama.write(spec, file);
        return GgufReader.read(file);
    }

    @Test
    void storesTheHyperparametersLlamaCppReads() throws IOException {
        GgufReader reader = write(Spec.tiny());

        assertThat(reader.architecture()).isEqualTo("llama");
        assertThat(reader.string("general.name")).isEqualTo("random-llama-tiny");
        assertThat(reader.metadata()).contains(
                Map.entry("general.file_type", GgufValue.u32(0)),
                Map.entry("llama.vocab_size", GgufValue.u32(512)),
                Map.entry("llama.context_length", GgufValue.u32(512)),
                Map.entry("llama.embedding_length", GgufValue.u32(64)),
                Map.entry("llama.block_count", GgufValue.u32(2)),
                Map.entry("llama.feed_forward_length", GgufValue.u32(192)),
                Map.entry("llama.attention.head_count", GgufValue.u32(4)),
                Map.entry("llama.attention.head_count_kv", GgufValue.u32(2)),
                Map.entry("llama.rope.dimension_count", GgufValue.u32(16)),
                Map.entry("llama.attention.layer_norm_rms_epsilon", GgufValue.f32(1e-5f)));
    }

    @Test
    void storesASentencePieceTokenizerWithBosEosAndUnknown() throws IOException {
        GgufReader reader = write(Spec.tiny());

        assertThat(reader.string("tokenizer.ggml.model")).isEqualTo("llama");
        assertThat(reader.vocabularySize()).isEqualTo(512);
        assertThat(reader.metadata()).contains(
                Map.entry("tokenizer.ggml.unknown_token_id", GgufValue.u32(0)),
                Map.entry("tokenizer.ggml.bos_token_id", GgufValue.u32(1)),
                Map.entry("tokenizer.ggml.eos_token_id", GgufValue.u32(2)));
        assertThat(reader.strings("tokenizer.ggml.tokens")).startsWith("<unk>", "<s>", "</s>", "<0x00>", "<0x01>");
        assertThat(reader.value("tokenizer.ggml.token_type")).get().isInstanceOfSatisfying(GgufValue.Array.class,
                types -> assertThat(types.elements()).hasSize(512).startsWith(
                        GgufValue.i32(2), GgufValue.i32(3), GgufValue.i32(3), GgufValue.i32(6)));
        assertThat(reader.value("tokenizer.ggml.scores")).get().isInstanceOfSatisfying(GgufValue.Array.class,
                scores -> assertThat(scores.elements()).hasSize(512).allMatch(s -> s.type() == GgufType.FLOAT32));
        assertThat(reader.metadata()).doesNotContainKey("tokenizer.chat_template");
    }

    @Test
    void storesTheChatTemplateWhenTheSpecHasOne() throws IOException {
        GgufReader reader = write(Spec.tiny().withChatTemplate("chatml"));

        assertThat(reader.string("tokenizer.chat_template")).isEqualTo("chatml");
    }

    @Test
    void writesTheLlamaTensorsInGgmlOrderOfDimensions() throws IOException {
        GgufReader reader = write(Spec.tiny());

        Map<String, List<Long>> shapes = reader.tensors().stream()
                .collect(Collectors.toMap(TensorInfo::name, TensorInfo::dimensions));
        assertThat(shapes).hasSize(3 + 2 * 9).contains(
                Map.entry("token_embd.weight", List.of(64L, 512L)),
                Map.entry("output_norm.weight", List.of(64L)),
                Map.entry("output.weight", List.of(64L, 512L)),
                Map.entry("blk.1.attn_norm.weight", List.of(64L)),
                Map.entry("blk.1.attn_q.weight", List.of(64L, 64L)),
                Map.entry("blk.1.attn_k.weight", List.of(64L, 32L)),
                Map.entry("blk.1.attn_v.weight", List.of(64L, 32L)),
                Map.entry("blk.1.attn_output.weight", List.of(64L, 64L)),
                Map.entry("blk.1.ffn_norm.weight", List.of(64L)),
                Map.entry("blk.1.ffn_gate.weight", List.of(64L, 192L)),
                Map.entry("blk.1.ffn_up.weight", List.of(64L, 192L)),
                Map.entry("blk.1.ffn_down.weight", List.of(192L, 64L)));
    }

    @Test
    void quantizesTheMatricesAndKeepsNormsF32() throws IOException {
        GgufReader reader = write(Spec.tiny().withType(TensorType.Q4_0));

        assertThat(reader.integer("general.file_type")).isEqualTo(2);
        assertThat(reader.tensors()).allSatisfy(t -> assertThat(t.type())
                .isEqualTo(t.name().endsWith("norm.weight") ? TensorType.F32 : TensorType.Q4_0));
    }

    @Test
    void hasEveryKeyAndTensorThatStories260KHas() throws IOException {
        Path stories = Path.of(System.getProperty("openmaas.sharedModels", "../shared/models"), "stories260K.gguf");
        assumeTrue(Files.exists(stories), "stories260K.gguf is not in the shared models folder");
        GgufReader real = GgufReader.read(stories);

        GgufReader ours = write(Spec.tiny());

        // The separator and padding ids there are -1 (unset), the same as leaving them out.
        Set<String> keys = new HashSet<>(real.metadata().keySet());
        keys.removeAll(Set.of("tokenizer.ggml.seperator_token_id", "tokenizer.ggml.padding_token_id"));
        assertThat(ours.metadata().keySet()).containsAll(keys);
        keys.forEach(key -> assertThat(ours.metadata().get(key).type()).as(key).isEqualTo(real.metadata().get(key).type()));
        assertThat(namesOfBlocks0And1(ours)).isEqualTo(namesOfBlocks0And1(real));
    }

    private static Set<String> namesOfBlocks0And1(GgufReader reader) {
        return reader.tensors().stream().map(TensorInfo::name)
                .filter(name -> !name.startsWith("blk.") || name.startsWith("blk.0.") || name.startsWith("blk.1."))
                .collect(Collectors.toSet());
    }

    @Test
    void countsItsParametersAsTheElementsOfItsTensors() throws IOException {
        Spec spec = Spec.tiny();

        GgufReader reader = write(spec);

        assertThat(reader.tensors().stream().mapToLong(TensorInfo::elementCount).sum()).isEqualTo(spec.parameterCount());
    }

    @Test
    void benchmarkPresetIsAQ8_0ModelOfRealisticSize() {
        Spec spec = Spec.benchmark();

        assertThat(spec.type()).isEqualTo(TensorType.Q8_0);
        assertThat(spec.parameterCount()).isBetween(100_000_000L, 500_000_000L);
    }

    @Test
    void writesTheSameBytesForTheSameSpec() throws IOException {
        Path first = dir.resolve("first.gguf");
        Path second = dir.resolve("second.gguf");

        RandomLlama.write(Spec.tiny(), first);
        RandomLlama.write(Spec.tiny(), second);

        assertThat(Files.mismatch(first, second)).isEqualTo(-1);
    }

    @Test
    void writesOtherWeightsForAnotherSeed() throws IOException {
        Path first = dir.resolve("first.gguf");
        Path second = dir.resolve("second.gguf");

        RandomLlama.write(Spec.tiny(), first);
        RandomLlama.write(Spec.tiny().withSeed(2), second);

        assertThat(Files.size(first)).isEqualTo(Files.size(second));
        assertThat(Files.mismatch(first, second)).isGreaterThanOrEqualTo(GgufReader.read(first).dataOffset());
    }

    @Test
    void refusesHeadsThatDoNotSplitTheEmbedding() {
        assertThatThrownBy(() -> new Spec("x", 512, 64, 1, 3, 1, 128, 64, TensorType.F32, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embeddingLength 64 must split into 3 heads of an even size (RoPE rotates pairs)");
    }

    @Test
    void refusesQueryHeadsThatAreNotAMultipleOfKvHeads() {
        assertThatThrownBy(() -> new Spec("x", 512, 64, 1, 4, 3, 128, 64, TensorType.F32, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("headCount 4 must be a multiple of headCountKv 3");
    }

    @Test
    void refusesQuantizedWidthsThatAreNotWholeBlocks() {
        assertThatThrownBy(() -> new Spec("x", 512, 64, 1, 4, 4, 172, 64, TensorType.Q8_0, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embeddingLength 64 and feedForwardLength 172 must be multiples of 32, the Q8_0 block size");
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void countsItsParametersAsTheElementsOfItsTensorsInEveryArchitecture(Architecture architecture) throws IOException {
        Spec spec = Spec.tiny().withArchitecture(architecture);

        GgufReader reader = write(spec);

        assertThat(reader.architecture()).isEqualTo(architecture.key());
        assertThat(reader.tensors().stream().mapToLong(TensorInfo::elementCount).sum()).isEqualTo(spec.parameterCount());
    }

    @Test
    void writesQwen3sPerHeadQueryAndKeyNormsAndItsHeadSize() throws IOException {
        GgufReader reader = write(Spec.tiny().withArchitecture(Architecture.QWEN3));

        assertThat(reader.metadata()).contains(
                Map.entry("qwen3.embedding_length", GgufValue.u32(64)),
                Map.entry("qwen3.attention.head_count_kv", GgufValue.u32(2)),
                Map.entry("qwen3.attention.key_length", GgufValue.u32(16)),
                Map.entry("qwen3.attention.value_length", GgufValue.u32(16)));
        assertThat(tensorShapes(reader)).contains(
                Map.entry("blk.1.attn_q_norm.weight", List.of(16L)),
                Map.entry("blk.1.attn_k_norm.weight", List.of(16L)),
                Map.entry("output.weight", List.of(64L, 512L)));
    }

    @Test
    void writesGemma3sPostNormsSlidingWindowAndTiedOutput() throws IOException {
        GgufReader reader = write(Spec.tiny().withArchitecture(Architecture.GEMMA3));

        assertThat(reader.metadata()).contains(
                Map.entry("gemma3.attention.sliding_window", GgufValue.u32(512)),
                Map.entry("gemma3.attention.key_length", GgufValue.u32(16)));
        assertThat(tensorShapes(reader)).contains(
                Map.entry("blk.0.post_attention_norm.weight", List.of(64L)),
                Map.entry("blk.0.post_ffw_norm.weight", List.of(64L)),
                Map.entry("blk.0.attn_q_norm.weight", List.of(16L)))
                .doesNotContainKey("output.weight");
    }

    private static Map<String, List<Long>> tensorShapes(GgufReader reader) {
        return reader.tensors().stream().collect(Collectors.toMap(TensorInfo::name, TensorInfo::dimensions));
    }

    @Test
    void refusesAVocabularyWithoutRoomForTheByteTokens() {
        assertThatThrownBy(() -> new Spec("x", 258, 64, 1, 4, 4, 128, 64, TensorType.F32, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vocabularySize must be at least 259 (3 special and 256 byte tokens), not 258");
    }

    @Test
    void refusesTypesTheWriterCannotEncode() {
        assertThatThrownBy(() -> Spec.tiny().withType(TensorType.Q4_K))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must be F32, F16, Q8_0 or Q4_0, not Q4_K");
    }
}
