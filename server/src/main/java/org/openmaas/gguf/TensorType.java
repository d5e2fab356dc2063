package org.openmaas.gguf;

/**
 * A ggml tensor element type as stored in GGUF tensor infos: its id, how many elements one block holds and how many
 * bytes one block takes (ggml's type traits). Ids 4, 5 and 31–33 belong to types ggml has removed.
 *
 * <p>The reader knows every type of llama.cpp b4916 so it can size (and bounds-check) the tensors of any model a
 * user supplies; {@link GgufWriter} encodes only {@link #F32}, {@link #F16}, {@link #Q8_0} and {@link #Q4_0}.
 */
public enum TensorType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    TensorType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The ggml type id stored in the file. */
    public int id() {
        return id;
    }

    /** Elements per block; a row's length must be a multiple of it. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes taken by a row of {@code rowLength} elements, which must be a multiple of {@link #blockSize()}. */
    public long rowBytes(long rowLength) {
        if (rowLength % blockSize != 0) {
            throw new IllegalArgumentException(
                    "a " + this + " row of " + rowLength + " elements is not a whole number of " + blockSize + "-element blocks");
        }
        return Math.multiplyExact(rowLength / blockSize, (long) blockBytes);
    }

    /** The type with this ggml id, or null when the id is unknown (removed, or newer than llama.cpp b4916). */
    static TensorType ofId(long id) {
        for (TensorType type : values()) {
            if (type.id == id) return type;
        }
        return null;
    }
}
