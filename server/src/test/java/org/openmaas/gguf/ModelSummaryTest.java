package org.openmaas.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code maas models --local} says of a GGUF, from its header alone. */
class ModelSummaryTest {

    private static final GgufWriter.Rows ZEROS = (row, values) -> { };

    @TempDir
    Path dir;

    @Test
    void theFileTypeIsNamedAsLlamaCppNamesIt() throws IOException {
        Path file = write(new GgufWriter().put("general.architecture", GgufValue.string("qwen2"))
                .put("general.file_type", GgufValue.u32(15))
                .put("qwen2.context_length", GgufValue.u32(32768))
                .put("tokenizer.chat_template", GgufValue.string("{{ messages }}")));

        assertThat(ModelSummary.of(GgufReader.read(file)))
                .isEqualTo(new ModelSummary(null, "qwen2", "Q4_K_M", OptionalInt.of(32768), true));
    }

    @Test
    void withoutAFileTypeTheTypeHoldingMostWeightsIsGuessed() throws IOException {
        Path file = write(new GgufWriter().put("general.architecture", GgufValue.string("llama"))
                .tensor("norm.weight", TensorType.F32, ZEROS, 64)
                .tensor("output.weight", TensorType.Q8_0, ZEROS, 64, 64));

        ModelSummary summary = ModelSummary.of(GgufReader.read(file));

        assertThat(summary.fileType()).isEqualTo("Q8_0 (guessed)");
        assertThat(summary.contextLength()).isEmpty();
        assertThat(summary.chatTemplate()).isFalse();
    }

    @Test
    void aFileTypeLlamaCppHasNoNameForIsGivenByNumber() throws IOException {
        Path file = write(new GgufWriter().put("general.architecture", GgufValue.string("llama"))
                .put("general.file_type", GgufValue.u32(99)));

        assertThat(ModelSummary.of(GgufReader.read(file)).fileType()).isEqualTo("file type 99");
    }

    @Test
    void aGgufWithoutArchitectureIsNoModelAndTheKeyIsNamed() throws IOException {
        Path file = write(new GgufWriter().put("general.name", GgufValue.string("vocabulary only")));

        assertThatThrownBy(() -> ModelSummary.of(GgufReader.read(file)))
                .hasMessageEndingWith("has no metadata key 'general.architecture'");
    }

    private Path write(GgufWriter writer) throws IOException {
        Path file = dir.resolve("m.gguf");
        writer.write(file);
        return file;
    }
}
