package org.openmaas.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

    @TempDir
    Path dir;

    private static final GgufWriter.Rows ZEROS = (row, values) -> { };

    /** Row r holds r * 1000 + column, so every value says where it belongs. */
    private static final GgufWriter.Rows COUNTING = (row, values) -> {
        for (int i = 0; i < values.length; i++) values[i] = row * 1000 + i;
    };

    private static ByteBuffer tensorBytes(GgufReader reader, TensorInfo tensor) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) tensor.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(reader.path())) {
            channel.read(bytes, reader.dataOffset() + tensor.offset());
        }
        return bytes.flip();
    }

    @Test
    void roundTripsMetadataOfEveryValueTypeInOrder() throws IOException {
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put("u8", GgufValue.u8(255));
        metadata.put("i8", GgufValue.i8(-128));
        metadata.put("u16", GgufValue.u16(65535));
        metadata.put("i16", GgufValue.i16(-32768));
        metadata.put("u32", GgufValue.u32(4294967295L));
        metadata.put("i32", GgufValue.i32(Integer.MIN_VALUE));
        metadata.put("u64", GgufValue.u64(-1));
        metadata.put("i64", GgufValue.i64(Long.MIN_VALUE));
        metadata.put("f32", GgufValue.f32(0.1f));
        metadata.put("f64", GgufValue.f64(Math.PI));
        metadata.put("bool", GgufValue.bool(true));
        metadata.put("string", GgufValue.string("Hello wörld 日本 ▁"));
        metadata.put("empty string", GgufValue.string(""));
        metadata.put("strings", GgufValue.strings(List.of("<s>", "▁the", "")));
        metadata.put("floats", GgufValue.f32s(0f, -1.5f, Float.MAX_VALUE));
        metadata.put("ints", GgufValue.i32s(1, -2, 3));
        metadata.put("bytes", new GgufValue.Array(GgufType.UINT8, List.of(GgufValue.u8(0), GgufValue.u8(200))));
        metadata.put("bools", new GgufValue.Array(GgufType.BOOL, List.of(GgufValue.bool(false), GgufValue.bool(true))));
        metadata.put("u64s", new GgufValue.Array(GgufType.UINT64, List.of(GgufValue.u64(Long.MIN_VALUE))));
        metadata.put("empty array", new GgufValue.Array(GgufType.FLOAT64, List.of()));
        GgufWriter writer = new GgufWriter();
        metadata.forEach(writer::put);
        Path file = dir.resolve("values.gguf");

        writer.write(file);

        GgufReader reader = GgufReader.read(file);
        assertThat(reader.version()).isEqualTo(3);
        assertThat(reader.metadata()).containsExactlyEntriesOf(metadata);
    }

    @Test
    void roundTripsTensorInfosWithContiguousAlignedOffsets() throws IOException {
        Path file = dir.resolve("tensors.gguf");
        new GgufWriter()
                .tensor("a", TensorType.F32, ZEROS, 3)              // 12 bytes, padded to 32
                .tensor("b", TensorType.F16, ZEROS, 64, 2)          // 256 bytes
                .tensor("c", TensorType.Q8_0, ZEROS, 64, 2, 3)      // 6 rows of 2 blocks of 34 bytes: 408, padded to 416
                .tensor("d", TensorType.Q4_0, ZEROS, 32, 5, 1, 1)   // 5 blocks of 18 bytes: 90
                .write(file);

        assertThat(GgufReader.read(file).tensors()).containsExactly(
                new TensorInfo("a", List.of(3L), TensorType.F32, 0),
                new TensorInfo("b", List.of(64L, 2L), TensorType.F16, 32),
                new TensorInfo("c", List.of(64L, 2L, 3L), TensorType.Q8_0, 288),
                new TensorInfo("d", List.of(32L, 5L, 1L, 1L), TensorType.Q4_0, 704));
    }

    @Test
    void startsTheDataSectionAndEveryTensorAtTheConfiguredAlignment() throws IOException {
        Path file = dir.resolve("aligned.gguf");
        new GgufWriter()
                .put("general.alignment", GgufValue.u32(256))
                .put("general.name", GgufValue.string("x"))
                .tensor("a", TensorType.F32, COUNTING, 5)
                .tensor("b", TensorType.F32, COUNTING, 7)
                .write(file);

        GgufReader reader = GgufReader.read(file);

        assertThat(reader.alignment()).isEqualTo(256);
        assertThat(reader.dataOffset() % 256).isZero();
        assertThat(reader.tensors()).extracting(TensorInfo::offset).containsExactly(0L, 256L);
        assertThat(Files.size(file)).isEqualTo(reader.dataOffset() + 512);
        assertThat(tensorBytes(reader, reader.tensor("b").orElseThrow()).getFloat(6 * 4)).isEqualTo(6f);
    }

    @Test
    void padsWithZeroBytes() throws IOException {
        Path file = dir.resolve("padding.gguf");
        new GgufWriter().tensor("a", TensorType.F32, (row, values) -> values[0] = 1f, 1)
                .write(file);
        GgufReader reader = GgufReader.read(file);
        byte[] bytes = Files.readAllBytes(file);

        for (long i = reader.dataOffset() + 4; i < bytes.length; i++) assertThat(bytes[(int) i]).as("byte %d", i).isZero();
        assertThat(bytes.length % 32).isZero();
    }

    @Test
    void writesRowsInOrderFromTheSource() throws IOException {
        Path file = dir.resolve("rows.gguf");
        List<Long> pulled = new ArrayList<>();
        new GgufWriter().tensor("m", TensorType.F32, (row, values) -> {
            pulled.add(row);
            COUNTING.fill(row, values);
        }, 4, 3, 2).write(file);
        GgufReader reader = GgufReader.read(file);

        ByteBuffer data = tensorBytes(reader, reader.tensors().getFirst());

        assertThat(pulled).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        float[] floats = new float[24];
        data.asFloatBuffer().get(floats);
        assertThat(floats).startsWith(0, 1, 2, 3, 1000, 1001).endsWith(5002, 5003);
    }

    @Test
    void writesF16TensorData() throws IOException {
        Path file = dir.resolve("f16.gguf");
        new GgufWriter().tensor("h", TensorType.F16, COUNTING, 2, 2).write(file);
        GgufReader reader = GgufReader.read(file);

        ByteBuffer data = tensorBytes(reader, reader.tensors().getFirst());

        assertThat(List.of(data.getShort(0), data.getShort(2), data.getShort(4), data.getShort(6)))
                .extracting(Float::float16ToFloat).containsExactly(0f, 1f, 1000f, 1001f);
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path file = dir.resolve("model.gguf");
        Files.writeString(file, "old");

        new GgufWriter().put("general.name", GgufValue.string("new")).write(file);

        assertThat(GgufReader.read(file).string("general.name")).isEqualTo("new");
        assertThat(dir.toFile().list()).containsExactly("model.gguf");
    }

    @Test
    void leavesNoFileBehindWhenARowSourceFails() {
        Path file = dir.resolve("model.gguf");
        GgufWriter writer = new GgufWriter().tensor("m", TensorType.F32, (row, values) -> {
            if (row == 100) throw new IllegalStateException("source broke");
        }, 32, 1000);

        assertThatThrownBy(() -> writer.write(file)).hasMessage("source broke");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void keepsTheOldFileWhenWritingItsReplacementFails() throws IOException {
        Path file = dir.resolve("model.gguf");
        Files.writeString(file, "old");
        GgufWriter writer = new GgufWriter().tensor("m", TensorType.F32, (row, values) -> {
            throw new IllegalStateException("source broke");
        }, 32);

        assertThatThrownBy(() -> writer.write(file)).hasMessage("source broke");
        assertThat(file).hasContent("old");
        assertThat(dir.toFile().list()).containsExactly("model.gguf");
    }

    @Test
    void refusesNonFiniteWeightsAndLeavesNoFile() {
        Path file = dir.resolve("model.gguf");
        GgufWriter writer = new GgufWriter().tensor("m", TensorType.Q8_0, (row, values) -> values[3] = Float.NaN, 32);

        assertThatThrownBy(() -> writer.write(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 0 of tensor 'm' holds NaN; weights must be finite");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refusesADuplicateTensorName() {
        GgufWriter writer = new GgufWriter().tensor("m", TensorType.F32, ZEROS, 4);

        assertThatThrownBy(() -> writer.tensor("m", TensorType.F32, ZEROS, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'm' is already added");
    }

    @Test
    void refusesADuplicateMetadataKey() {
        GgufWriter writer = new GgufWriter().put("general.name", GgufValue.string("a"));

        assertThatThrownBy(() -> writer.put("general.name", GgufValue.string("b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metadata key 'general.name' is already set");
    }

    @Test
    void refusesQuantizedRowsThatAreNotWholeBlocks() {
        assertThatThrownBy(() -> new GgufWriter().tensor("m", TensorType.Q8_0, ZEROS, 48, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'm' has rows of 48 elements, not a multiple of 32, the Q8_0 block size");
    }

    @Test
    void refusesTypesItCannotEncode() {
        assertThatThrownBy(() -> new GgufWriter().tensor("m", TensorType.Q4_K, ZEROS, 256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tensor 'm' is Q4_K, but the writer can only encode [F32, F16, Q4_0, Q8_0]");
    }

    @Test
    void refusesMoreThanFourDimensions() {
        assertThatThrownBy(() -> new GgufWriter().tensor("m", TensorType.F32, ZEROS, 1, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'm' has 5 dimensions; ggml tensors have 1 to 4");
    }

    @Test
    void refusesAnEmptyDimension() {
        assertThatThrownBy(() -> new GgufWriter().tensor("m", TensorType.F32, ZEROS, 4, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'm' has dimensions [4, 0]; each must be at least 1");
    }

    @Test
    void refusesATensorNameLongerThanLlamaCppAllows() {
        assertThatThrownBy(() -> new GgufWriter().tensor("x".repeat(64), TensorType.F32, ZEROS, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("is longer than llama.cpp's limit of 63 bytes");
    }

    @Test
    void refusesAnAlignmentThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new GgufWriter().put("general.alignment", GgufValue.u32(48)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("general.alignment must be a power of two, not 48");
    }

    @Test
    void refusesAnAlignmentThatIsNotAUint32() {
        assertThatThrownBy(() -> new GgufWriter().put("general.alignment", GgufValue.i32(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("general.alignment must be a UINT32");
    }

    @Test
    void refusesAnAlignmentAfterTheFirstTensor() {
        GgufWriter writer = new GgufWriter().tensor("m", TensorType.F32, ZEROS, 4);

        assertThatThrownBy(() -> writer.put("general.alignment", GgufValue.u32(64)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("general.alignment must be put before the first tensor");
    }

    @Test
    void refusesValuesOutsideTheirType() {
        assertThatThrownBy(() -> GgufValue.u8(256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("256 does not fit UINT8 (0..255)");
    }

    @Test
    void refusesArraysOfMixedTypes() {
        assertThatThrownBy(() -> new GgufValue.Array(GgufType.INT32, List.of(GgufValue.i32(1), GgufValue.u32(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an array of INT32 cannot hold a UINT32 element");
    }

    @Test
    void refusesArraysOfArrays() {
        assertThatThrownBy(() -> new GgufValue.Array(GgufType.ARRAY, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GGUF arrays cannot hold arrays");
    }
}
