package org.openmaas.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {

    @TempDir
    Path dir;

    /** A GGUF file built byte by byte, for headers the writer would refuse to produce. */
    private static final class RawGguf {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        RawGguf header(long version, long tensors, long entries) {
            bytes.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
            return u32(version).u64(tensors).u64(entries);
        }

        RawGguf u32(long value) {
            return put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
        }

        RawGguf u64(long value) {
            return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        }

        RawGguf string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            return u64(utf8.length).put(utf8);
        }

        RawGguf put(byte[] raw) {
            bytes.writeBytes(raw);
            return this;
        }

        Path writeTo(Path file) throws IOException {
            return Files.write(file, bytes.toByteArray());
        }
    }

    private Path smallModel() throws IOException {
        Path file = dir.resolve("small.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string("small"))
                .put("llama.context_length", GgufValue.u32(256))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.f32(1e-5f))
                .put("tokenizer.ggml.tokens", GgufValue.strings(List.of("<unk>", "<s>", "</s>")))
                .put("tokenizer.ggml.scores", GgufValue.f32s(0, 0, 0))
                .tensor("token_embd.weight", TensorType.F32, (row, values) -> { }, 8, 3)
                .write(file);
        return file;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    @Test
    void readsTheRealStories260KModel() throws IOException {
        Path file = Path.of(System.getProperty("openmaas.sharedModels", "../shared/models"), "stories260K.gguf");
        assumeTrue(Files.exists(file), "stories260K.gguf is not in the shared models folder");

        GgufReader reader = GgufReader.read(file);

        assertThat(reader.architecture()).isEqualTo("llama");
        assertThat(reader.contextLength()).isEqualTo(2048);
        assertThat(reader.vocabularySize()).isEqualTo(512);
        assertThat(reader.integer("llama.embedding_length")).isEqualTo(64);
        assertThat(reader.optionalString("tokenizer.chat_template")).isEmpty();
        assertThat(reader.tensors()).hasSize(48);
        assertThat(reader.tensor("token_embd.weight")).get()
                .extracting(TensorInfo::dimensions, TensorInfo::type)
                .containsExactly(List.of(64L, 512L), TensorType.F32);
    }

    @Test
    void readsTypedValuesThroughItsAccessors() throws IOException {
        GgufReader reader = GgufReader.read(smallModel());

        assertThat(reader.string("general.name")).isEqualTo("small");
        assertThat(reader.optionalString("general.author")).isEmpty();
        assertThat(reader.contextLength()).isEqualTo(256);
        assertThat(reader.optionalInteger("llama.block_count")).isEmpty();
        assertThat(reader.real("llama.attention.layer_norm_rms_epsilon")).isEqualTo(1e-5f);
        assertThat(reader.strings("tokenizer.ggml.tokens")).containsExactly("<unk>", "<s>", "</s>");
        assertThat(reader.vocabularySize()).isEqualTo(3);
    }

    @Test
    void readsAnIntegerOfAnyIntegerType() throws IOException {
        Path file = dir.resolve("ints.gguf");
        new GgufWriter()
                .put("a", GgufValue.i32(-5))
                .put("b", GgufValue.u8(200))
                .put("c", GgufValue.u32(4294967295L))
                .write(file);

        GgufReader reader = GgufReader.read(file);

        assertThat(List.of(reader.integer("a"), reader.integer("b"), reader.integer("c")))
                .containsExactly(-5L, 200L, 4294967295L);
    }

    @Test
    void namesTheFileAndKeyWhenAKeyIsMissing() throws IOException {
        Path file = smallModel();
        GgufReader reader = GgufReader.read(file);

        assertThatThrownBy(() -> reader.string("general.author"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage(file + " has no metadata key 'general.author'");
    }

    @Test
    void namesTheFileKeyAndTypesWhenAKeyHasAnotherType() throws IOException {
        Path file = smallModel();
        GgufReader reader = GgufReader.read(file);

        assertThatThrownBy(() -> reader.string("llama.context_length"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("metadata key 'llama.context_length' in " + file + " is UINT32, not a STRING");
        assertThatThrownBy(() -> reader.strings("tokenizer.ggml.scores"))
                .hasMessageEndingWith("is an array of FLOAT32, not an array of STRING");
    }

    @Test
    void readsVersion2Files() throws IOException {
        Path file = smallModel();
        byte[] bytes = Files.readAllBytes(file);
        bytes[4] = 2;
        Files.write(file, bytes);

        assertThat(GgufReader.read(file).version()).isEqualTo(2);
    }

    @Test
    void rejectsAFileThatIsNotGguf() throws IOException {
        Path file = Files.writeString(dir.resolve("model.gguf"), "{\"not\": \"a model\"}");

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is not a GGUF file: it starts with bytes 7b 22 6e 6f, not \"GGUF\"");
    }

    @Test
    void rejectsAnEmptyFile() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is not a GGUF file: it has only 0 bytes");
    }

    @Test
    void rejectsVersion1() throws IOException {
        Path file = new RawGguf().header(1, 0, 0).writeTo(dir.resolve("v1.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is GGUF version 1; only versions 2 and 3 can be read");
    }

    @Test
    void rejectsABigEndianFileSayingSo() throws IOException {
        Path file = new RawGguf().header(3L << 24, 0, 0).writeTo(dir.resolve("be.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("(it looks big-endian, which is not supported)");
    }

    @Test
    void rejectsAFileCutInsideItsMetadataNamingTheKey() throws IOException {
        Path file = smallModel();
        truncate(file, 60);   // 24-byte header, then "general.architecture" (8 + 20 bytes), type and value

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageStartingWith(file + " is truncated: it ends at byte 60, ")
                .hasMessageEndingWith("short of the end of metadata key 'general.architecture'");
    }

    @Test
    void rejectsAFileCutInsideItsTensorData() throws IOException {
        Path file = smallModel();
        GgufReader whole = GgufReader.read(file);
        long end = whole.dataOffset() + 8 * 3 * 4;
        truncate(file, end - 1);

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is truncated: tensor 'token_embd.weight' ends at byte " + end
                        + " but the file has " + (end - 1) + " bytes");
    }

    @Test
    void rejectsAStringLongerThanTheFileWithoutAllocatingIt() throws IOException {
        Path file = new RawGguf().header(3, 0, 1).u64(Long.MAX_VALUE).writeTo(dir.resolve("long.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is truncated or corrupt in metadata entry 0 of 1: a string of " + Long.MAX_VALUE
                        + " bytes is longer than the 0 bytes left in the file");
    }

    @Test
    void rejectsAnArrayCountThatCannotFitInTheFile() throws IOException {
        Path file = new RawGguf().header(3, 0, 1).string("tokens").u32(GgufType.ARRAY.id())
                .u32(GgufType.STRING.id()).u64(1L << 40).writeTo(dir.resolve("array.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is truncated or corrupt in metadata key 'tokens': " + (1L << 40)
                        + " STRING array elements cannot fit in the 0 bytes left in the file");
    }

    @Test
    void rejectsAnUnknownValueType() throws IOException {
        Path file = new RawGguf().header(3, 0, 1).string("k").u32(13).writeTo(dir.resolve("type.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is corrupt in metadata key 'k': value type 13 is not a GGUF type");
    }

    @Test
    void rejectsADuplicateKey() throws IOException {
        Path file = new RawGguf().header(3, 0, 2)
                .string("k").u32(GgufType.UINT32.id()).u32(1)
                .string("k").u32(GgufType.UINT32.id()).u32(2)
                .writeTo(dir.resolve("duplicate.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is corrupt in metadata key 'k': the key appears twice");
    }

    @Test
    void rejectsAnUnknownTensorType() throws IOException {
        Path file = new RawGguf().header(3, 1, 0).string("t").u32(1).u64(32).u32(39).u64(0)
                .put(new byte[64]).writeTo(dir.resolve("tensor.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is corrupt in the info of tensor 't': ggml type 39 is unknown"
                        + " (removed from ggml, or newer than llama.cpp b4916)");
    }

    @Test
    void rejectsATensorOffsetOffTheAlignment() throws IOException {
        Path file = new RawGguf().header(3, 1, 0).string("t").u32(1).u64(4).u32(TensorType.F32.id()).u64(16)
                .put(new byte[64]).writeTo(dir.resolve("offset.gguf"));

        assertThatThrownBy(() -> GgufReader.read(file))
                .isInstanceOf(GgufFormatException.class)
                .hasMessage(file + " is corrupt in the info of tensor 't': its offset 16 is not a multiple of the alignment 32");
    }
}
