package org.openmaas.gguf;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The header of a GGUF v2 or v3 file: its metadata and tensor infos (not the tensor data, which stays on disk).
 *
 * <p>{@link #read(Path)} checks what it can without reading the data: the magic, the version, every length and
 * count against the bytes left, the alignment, and that every tensor lies inside the file. A file that fails is
 * reported by a {@link GgufFormatException} naming the file and the part that was wrong, since paths come from users.
 */
public final class GgufReader {

    static final byte[] MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final List<TensorInfo> tensors;
    private final int alignment;
    private final long dataOffset;

    private GgufReader(Path path, int version, Map<String, GgufValue> metadata, List<TensorInfo> tensors,
                       int alignment, long dataOffset) {
        this.path = path;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = List.copyOf(tensors);
        this.alignment = alignment;
        this.dataOffset = dataOffset;
    }

    public static GgufReader read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path)) {
            return read(path, new ChannelInput(path, channel));
        }
    }

    private static GgufReader read(Path path, ChannelInput in) throws IOException {
        if (in.size() < MAGIC.length) {
            throw new GgufFormatException(path + " is not a GGUF file: it has only " + in.size() + " bytes");
        }
        byte[] magic = in.bytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new GgufFormatException(path + " is not a GGUF file: it starts with bytes "
                    + HexFormat.ofDelimiter(" ").formatHex(magic) + ", not \"GGUF\"");
        }
        int version = (int) in.u32();
        if (version != 2 && version != 3) {
            String hint = (version & 0xFFFF) == 0 && version != 0 ? " (it looks big-endian, which is not supported)" : "";
            throw new GgufFormatException(path + " is GGUF version " + Integer.toUnsignedString(version) + hint
                    + "; only versions 2 and 3 can be read");
        }
        // A huge count needs no check of its own: reading stops at the end of the file.
        long tensorCount = in.u64();
        long entryCount = in.u64();

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < entryCount; i++) {
            in.reading("metadata entry " + i + " of " + entryCount);
            String key = in.string();
            in.reading("metadata key '" + key + "'");
            GgufType type = valueType(in, in.u32());
            GgufValue value = readValue(in, type);
            if (metadata.putIfAbsent(key, value) != null) throw in.corrupt("the key appears twice");
        }
        int alignment = alignment(in, metadata.get(GgufWriter.ALIGNMENT_KEY));

        List<TensorInfo> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            in.reading("tensor info " + i + " of " + tensorCount);
            String name = in.string();
            in.reading("the info of tensor '" + name + "'");
            if (!names.add(name)) throw in.corrupt("the tensor name appears twice");
            long dimensionCount = in.u32();
            if (dimensionCount > TensorInfo.MAX_DIMENSIONS) {
                throw in.corrupt(dimensionCount + " dimensions; ggml tensors have at most " + TensorInfo.MAX_DIMENSIONS);
            }
            List<Long> dimensions = new ArrayList<>();
            for (int d = 0; d < dimensionCount; d++) dimensions.add(in.u64());
            long typeId = in.u32();
            TensorType type = TensorType.ofId(typeId);
            if (type == null) {
                throw in.corrupt("ggml type " + typeId + " is unknown (removed from ggml, or newer than llama.cpp b4916)");
            }
            long offset = in.u64();
            if (offset < 0) throw in.corrupt("its offset " + Long.toUnsignedString(offset) + " lies beyond any file");
            try {
                tensors.add(new TensorInfo(name, dimensions, type, offset));
            } catch (IllegalArgumentException e) {
                throw in.corrupt(e.getMessage());
            }
            if (offset % alignment != 0) {
                throw in.corrupt("its offset " + offset + " is not a multiple of the alignment " + alignment);
            }
        }

        long dataOffset = in.position() + Math.floorMod(-in.position(), (long) alignment);
        for (TensorInfo tensor : tensors) {
            if (tensor.offset() > Long.MAX_VALUE - dataOffset - tensor.byteSize()) {
                in.reading("the info of tensor '" + tensor.name() + "'");
                throw in.corrupt("its offset " + tensor.offset() + " and size " + tensor.byteSize() + " lie beyond any file");
            }
            long end = dataOffset + tensor.offset() + tensor.byteSize();
            if (end > in.size()) {
                throw new GgufFormatException(path + " is truncated: tensor '" + tensor.name() + "' ends at byte "
                        + end + " but the file has " + in.size() + " bytes");
            }
        }
        return new GgufReader(path, version, metadata, tensors, alignment, dataOffset);
    }

    private static GgufType valueType(ChannelInput in, long id) throws GgufFormatException {
        GgufType type = GgufType.ofId(id);
        if (type == null) throw in.corrupt("value type " + id + " is not a GGUF type");
        return type;
    }

    private static GgufValue readValue(ChannelInput in, GgufType type) throws IOException {
        return switch (type) {
            case UINT8 -> GgufValue.u8(in.u8());
            case INT8 -> GgufValue.i8((byte) in.u8());
            case UINT16 -> GgufValue.u16(in.u16());
            case INT16 -> GgufValue.i16((short) in.u16());
            case UINT32 -> GgufValue.u32(in.u32());
            case INT32 -> GgufValue.i32((int) in.u32());
            case UINT64 -> GgufValue.u64(in.u64());
            case INT64 -> GgufValue.i64(in.u64());
            case FLOAT32 -> GgufValue.f32(in.f32());
            case FLOAT64 -> GgufValue.f64(in.f64());
            case BOOL -> {
                int b = in.u8();
                if (b > 1) throw in.corrupt("a BOOL holds " + b);
                yield GgufValue.bool(b == 1);
            }
            case STRING -> GgufValue.string(in.string());
            case ARRAY -> {
                GgufType elementType = valueType(in, in.u32());
                if (elementType == GgufType.ARRAY) throw in.corrupt("an array of arrays, which GGUF readers do not accept");
                long n = in.u64();
                // Checked before allocating: a corrupt count must not become an OutOfMemoryError.
                if (n < 0 || n > in.remaining() / elementType.minBytes()) {
                    throw in.truncatedOrCorrupt(Long.toUnsignedString(n) + " " + elementType
                            + " array elements cannot fit in the " + in.remaining() + " bytes left in the file");
                }
                if (n > Integer.MAX_VALUE - 8) throw in.corrupt(n + " array elements are more than a Java list holds");
                List<GgufValue> elements = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) elements.add(readValue(in, elementType));
                yield new GgufValue.Array(elementType, elements);
            }
        };
    }

    private static int alignment(ChannelInput in, GgufValue value) throws GgufFormatException {
        if (value == null) return GgufWriter.DEFAULT_ALIGNMENT;
        in.reading("metadata key '" + GgufWriter.ALIGNMENT_KEY + "'");
        if (!(value instanceof GgufValue.Int(GgufType type, long v)) || type != GgufType.UINT32) {
            throw in.corrupt("it must be a UINT32, not " + value);
        }
        if (v == 0 || (v & (v - 1)) != 0 || v > 1 << 30) throw in.corrupt("alignment " + v + " is not a power of two");
        return (int) v;
    }

    public Path path() {
        return path;
    }

    /** 2 or 3. */
    public int version() {
        return version;
    }

    /** Every metadata entry, in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** Every tensor info, in file order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    public Optional<TensorInfo> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public int alignment() {
        return alignment;
    }

    /** Where the data section starts, in bytes from the start of the file; tensor offsets count from here. */
    public long dataOffset() {
        return dataOffset;
    }

    public Optional<GgufValue> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The STRING under {@code key}; throws when it is missing or of another type. */
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> missing(key));
    }

    /** The STRING under {@code key}, empty when missing; throws when it is of another type. */
    public Optional<String> optionalString(String key) {
        return value(key).map(v -> {
            if (v instanceof GgufValue.Text(String s)) return s;
            throw wrongType(key, v, "a STRING");
        });
    }

    /**
     * The value of the integer of any type under {@code key} (converters differ: llama.cpp's write UINT32 where
     * others write INT32); throws when it is missing, not an integer, or a UINT64 beyond {@link Long#MAX_VALUE}.
     */
    public long integer(String key) {
        OptionalLong value = optionalInteger(key);
        if (value.isEmpty()) throw missing(key);
        return value.getAsLong();
    }

    /** As {@link #integer(String)}, empty when the key is missing. */
    public OptionalLong optionalInteger(String key) {
        GgufValue value = metadata.get(key);
        if (value == null) return OptionalLong.empty();
        if (value instanceof GgufValue.Int(GgufType type, long v) && !(type == GgufType.UINT64 && v < 0)) {
            return OptionalLong.of(v);
        }
        throw wrongType(key, value, "an integer");
    }

    /** The FLOAT32 or FLOAT64 under {@code key}. */
    public double real(String key) {
        GgufValue value = value(key).orElseThrow(() -> missing(key));
        if (value instanceof GgufValue.Real(GgufType type, double v)) return v;
        throw wrongType(key, value, "a FLOAT32 or FLOAT64");
    }

    /** The array of STRING under {@code key}. */
    public List<String> strings(String key) {
        GgufValue value = value(key).orElseThrow(() -> missing(key));
        if (value instanceof GgufValue.Array(GgufType elementType, List<GgufValue> elements)
                && elementType == GgufType.STRING) {
            return elements.stream().map(e -> ((GgufValue.Text) e).value()).toList();
        }
        throw wrongType(key, value, "an array of STRING");
    }

    /** {@code general.architecture}, e.g. "llama"; the prefix of the model's hyperparameter keys. */
    public String architecture() {
        return string("general.architecture");
    }

    /** The context length the model was trained with ({@code <architecture>.context_length}). */
    public int contextLength() {
        return Math.toIntExact(integer(architecture() + ".context_length"));
    }

    /** The number of tokens in the vocabulary ({@code tokenizer.ggml.tokens}). */
    public int vocabularySize() {
        return strings("tokenizer.ggml.tokens").size();
    }

    private NoSuchElementException missing(String key) {
        return new NoSuchElementException(path + " has no metadata key '" + key + "'");
    }

    private IllegalStateException wrongType(String key, GgufValue value, String expected) {
        String actual = value instanceof GgufValue.Array a ? "an array of " + a.elementType() : value.type().toString();
        return new IllegalStateException("metadata key '" + key + "' in " + path + " is " + actual + ", not " + expected);
    }
}
