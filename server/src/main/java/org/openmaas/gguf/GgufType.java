package org.openmaas.gguf;

/** The type tag of a GGUF metadata value, with the id the file format stores for it. */
public enum GgufType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    // The fewest bytes a value of this type occupies (a string's or array's length prefix): lets the reader refuse
    // a count that cannot fit in what is left of the file before it allocates anything for it.
    private final int minBytes;

    GgufType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    /** The id stored in the file. */
    public int id() {
        return id;
    }

    int minBytes() {
        return minBytes;
    }

    /** The type with this file id, or null when the id is unknown. */
    static GgufType ofId(long id) {
        for (GgufType type : values()) {
            if (type.id == id) return type;
        }
        return null;
    }
}
