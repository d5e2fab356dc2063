package org.openmaas.gguf;

import java.util.List;
import java.util.Objects;

/**
 * A tensor as described in a GGUF header.
 *
 * @param name       the tensor's name, e.g. {@code blk.0.attn_q.weight}
 * @param dimensions ggml order: the first is the row length (ne[0]), the rest count the rows
 * @param type       its element type
 * @param offset     where its data starts, relative to the start of the file's data section
 */
public record TensorInfo(String name, List<Long> dimensions, TensorType type, long offset) {

    /** ggml's GGML_MAX_DIMS. */
    static final int MAX_DIMENSIONS = 4;

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dimensions = List.copyOf(dimensions);
        if (dimensions.isEmpty() || dimensions.size() > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + dimensions.size()
                    + " dimensions; ggml tensors have 1 to " + MAX_DIMENSIONS);
        }
        for (long dimension : dimensions) {
            if (dimension < 1) {
                throw new IllegalArgumentException("tensor '" + name + "' has dimensions " + dimensions
                        + "; each must be at least 1");
            }
        }
        if (dimensions.getFirst() % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' has rows of " + dimensions.getFirst()
                    + " elements, not a multiple of " + type.blockSize() + ", the " + type + " block size");
        }
        try {
            type.rowBytes(elementCount(dimensions));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "' with dimensions " + dimensions
                    + " has more bytes than a file can hold");
        }
    }

    /** Elements in one row (ne[0]). */
    public long rowLength() {
        return dimensions.getFirst();
    }

    /** Rows of {@link #rowLength()} elements: the product of all dimensions but the first. */
    public long rowCount() {
        return elementCount() / rowLength();
    }

    public long elementCount() {
        return elementCount(dimensions);
    }

    private static long elementCount(List<Long> dimensions) {
        long count = 1;
        for (long dimension : dimensions) count = Math.multiplyExact(count, dimension);
        return count;
    }

    /** Bytes of its data in the file, without the padding that follows it. */
    public long byteSize() {
        return type.rowBytes(elementCount());
    }
}
