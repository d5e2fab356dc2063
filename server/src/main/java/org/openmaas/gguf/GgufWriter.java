package org.openmaas.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a GGUF v3 file: metadata in the order it was put, then tensor infos, then tensor data, each tensor starting
 * at a multiple of the alignment ({@value #DEFAULT_ALIGNMENT}, or the UINT32 put under {@code general.alignment}).
 *
 * <p>Tensor data is pulled from each tensor's {@link Rows} one row at a time while writing, so a model of any size
 * is written in constant memory. The file appears under its name only once complete: it is written to a temporary
 * file beside it and renamed into place, and on failure nothing is left behind.
 *
 * <p>Misuse fails at the call that commits it, with a message saying what is wrong.
 */
public final class GgufWriter {

    public static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";

    /** ggml's GGML_MAX_NAME is 64 bytes including the terminating NUL. */
    private static final int MAX_TENSOR_NAME_BYTES = 63;
    private static final int BUFFER_BYTES = 8 << 20;
    private static final int VERSION = 3;

    /** Supplies a tensor's data; the writer calls it once per row, in row order, while it writes the file. */
    @FunctionalInterface
    public interface Rows {
        /**
         * Fills {@code values} (length: the tensor's row length, reused between calls) with row {@code row}.
         * Rows count over all dimensions but the first.
         */
        void fill(long row, float[] values);
    }

    private record PendingTensor(TensorInfo info, Rows rows) {
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();
    private int alignment = DEFAULT_ALIGNMENT;
    private long dataBytes;

    /** Adds a metadata entry; {@code general.alignment} must be a UINT32 power of two and sets the alignment. */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) throw new IllegalArgumentException("a metadata key cannot be empty");
        if (metadata.containsKey(key)) throw new IllegalArgumentException("metadata key '" + key + "' is already set");
        if (key.equals(ALIGNMENT_KEY)) {
            if (!tensors.isEmpty()) {
                throw new IllegalStateException(ALIGNMENT_KEY + " must be put before the first tensor, whose offsets it decides");
            }
            alignment = alignmentOf(value);
        }
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a tensor of {@code type} with ggml dimensions {@code dimensions} (the first is the row length), whose rows
     * {@code rows} supplies at write time. Only F32, F16, Q8_0 and Q4_0 can be written.
     */
    public GgufWriter tensor(String name, TensorType type, Rows rows, long... dimensions) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(rows, "rows");
        if (name.isEmpty()) throw new IllegalArgumentException("a tensor name cannot be empty");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is longer than llama.cpp's limit of "
                    + MAX_TENSOR_NAME_BYTES + " bytes");
        }
        if (tensors.containsKey(name)) throw new IllegalArgumentException("tensor '" + name + "' is already added");
        if (!RowEncoder.WRITABLE.contains(type)) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + type + ", but the writer can only encode "
                    + RowEncoder.WRITABLE);
        }
        List<Long> dims = new ArrayList<>(dimensions.length);
        for (long dimension : dimensions) dims.add(dimension);
        TensorInfo info = new TensorInfo(name, dims, type, dataBytes);
        if (info.rowLength() > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("tensor '" + name + "' has rows of " + info.rowLength()
                    + " elements; the writer holds one row in memory and allows at most " + Integer.MAX_VALUE / Float.BYTES);
        }
        tensors.put(name, new PendingTensor(info, rows));
        dataBytes = Math.addExact(dataBytes, padded(info.byteSize()));
        return this;
    }

    /** Writes the file to {@code target}, replacing it atomically if it exists. */
    public void write(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temporary = absolute.resolveSibling(
                "." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ChannelOutput out = new ChannelOutput(channel, bufferBytes());
                writeHeader(out);
                for (PendingTensor tensor : tensors.values()) writeData(tensor, out);
                out.flush();
                // Durable before it is visible: after a crash the name holds the old file or the whole new one.
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private int bufferBytes() {
        long largestRow = 0;
        for (PendingTensor tensor : tensors.values()) {
            largestRow = Math.max(largestRow, tensor.info().type().rowBytes(tensor.info().rowLength()));
        }
        return (int) Math.max(BUFFER_BYTES, largestRow);
    }

    private void writeHeader(ChannelOutput out) throws IOException {
        out.bytes(GgufReader.MAGIC);
        out.u32(VERSION);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> entry : metadata.entrySet()) {
            out.string(entry.getKey());
            out.u32(entry.getValue().type().id());
            writeValue(entry.getValue(), out);
        }
        for (PendingTensor tensor : tensors.values()) {
            TensorInfo info = tensor.info();
            out.string(info.name());
            out.u32(info.dimensions().size());
            for (long dimension : info.dimensions()) out.u64(dimension);
            out.u32(info.type().id());
            out.u64(info.offset());
        }
        out.padTo(alignment);
    }

    private static void writeValue(GgufValue value, ChannelOutput out) throws IOException {
        switch (value) {
            case GgufValue.Int(GgufType type, long v) -> {
                switch (type) {
                    case UINT8, INT8 -> out.u8((int) v);
                    case UINT16, INT16 -> out.u16((int) v);
                    case UINT32, INT32 -> out.u32(v);
                    default -> out.u64(v);
                }
            }
            case GgufValue.Real(GgufType type, double v) -> {
                if (type == GgufType.FLOAT32) out.f32((float) v);
                else out.f64(v);
            }
            case GgufValue.Bool(boolean v) -> out.u8(v ? 1 : 0);
            case GgufValue.Text(String v) -> out.string(v);
            case GgufValue.Array(GgufType elementType, List<GgufValue> elements) -> {
                out.u32(elementType.id());
                out.u64(elements.size());
                for (GgufValue element : elements) writeValue(element, out);
            }
        }
    }

    private void writeData(PendingTensor tensor, ChannelOutput out) throws IOException {
        TensorInfo info = tensor.info();
        float[] row = new float[(int) info.rowLength()];
        int rowBytes = (int) info.type().rowBytes(row.length);
        for (long r = 0; r < info.rowCount(); r++) {
            tensor.rows().fill(r, row);
            for (float x : row) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("row " + r + " of tensor '" + info.name() + "' holds " + x
                            + "; weights must be finite");
                }
            }
            ByteBuffer buffer = out.reserve(rowBytes);
            RowEncoder.encode(info.type(), row, buffer);
        }
        out.padTo(alignment);
    }

    private long padded(long bytes) {
        return Math.addExact(bytes, Math.floorMod(-bytes, (long) alignment));
    }

    private static int alignmentOf(GgufValue value) {
        if (!(value instanceof GgufValue.Int(GgufType type, long v)) || type != GgufType.UINT32) {
            throw new IllegalArgumentException(ALIGNMENT_KEY + " must be a UINT32, not " + value);
        }
        if (v == 0 || (v & (v - 1)) != 0) {
            throw new IllegalArgumentException(ALIGNMENT_KEY + " must be a power of two, not " + v);
        }
        if (v > BUFFER_BYTES) {
            throw new IllegalArgumentException(ALIGNMENT_KEY + " of " + v + " is larger than the writer allows ("
                    + BUFFER_BYTES + ")");
        }
        return (int) v;
    }
}
