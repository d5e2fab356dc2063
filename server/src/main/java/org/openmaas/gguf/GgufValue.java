package org.openmaas.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A typed GGUF metadata value. The type is kept exactly (a UINT32 stays a UINT32 through a write and a read) because
 * llama.cpp checks the types of the keys it reads.
 */
public sealed interface GgufValue {

    GgufType type();

    /**
     * One of the eight integer types. An unsigned value is carried in the long's bits, so a UINT64 above
     * {@link Long#MAX_VALUE} reads as negative; the narrower types are range-checked.
     */
    record Int(GgufType type, long value) implements GgufValue {
        public Int {
            Objects.requireNonNull(type, "type");
            switch (type) {
                case UINT8 -> requireRange(type, value, 0, 0xFF);
                case INT8 -> requireRange(type, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
                case UINT16 -> requireRange(type, value, 0, 0xFFFF);
                case INT16 -> requireRange(type, value, Short.MIN_VALUE, Short.MAX_VALUE);
                case UINT32 -> requireRange(type, value, 0, 0xFFFF_FFFFL);
                case INT32 -> requireRange(type, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case UINT64, INT64 -> { }
                default -> throw new IllegalArgumentException(type + " is not an integer type");
            }
        }

        private static void requireRange(GgufType type, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " does not fit " + type + " (" + min + ".." + max + ")");
            }
        }
    }

    /** FLOAT32 or FLOAT64; a FLOAT32 is rounded to float on construction so that it equals its read-back self. */
    record Real(GgufType type, double value) implements GgufValue {
        public Real {
            Objects.requireNonNull(type, "type");
            switch (type) {
                case FLOAT32 -> value = (float) value;
                case FLOAT64 -> { }
                default -> throw new IllegalArgumentException(type + " is not a floating-point type");
            }
        }
    }

    record Bool(boolean value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.BOOL;
        }
    }

    /** A UTF-8 string. */
    record Text(String value) implements GgufValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public GgufType type() {
            return GgufType.STRING;
        }
    }

    /** A homogeneous array of scalars or strings; llama.cpp's GGUF code does not accept arrays of arrays. */
    record Array(GgufType elementType, List<GgufValue> elements) implements GgufValue {
        public Array {
            Objects.requireNonNull(elementType, "elementType");
            if (elementType == GgufType.ARRAY) throw new IllegalArgumentException("GGUF arrays cannot hold arrays");
            elements = List.copyOf(elements);
            for (GgufValue element : elements) {
                if (element.type() != elementType) {
                    throw new IllegalArgumentException(
                            "an array of " + elementType + " cannot hold a " + element.type() + " element");
                }
            }
        }

        @Override
        public GgufType type() {
            return GgufType.ARRAY;
        }
    }

    static Int u8(int value) {
        return new Int(GgufType.UINT8, value);
    }

    static Int i8(int value) {
        return new Int(GgufType.INT8, value);
    }

    static Int u16(int value) {
        return new Int(GgufType.UINT16, value);
    }

    static Int i16(int value) {
        return new Int(GgufType.INT16, value);
    }

    static Int u32(long value) {
        return new Int(GgufType.UINT32, value);
    }

    static Int i32(int value) {
        return new Int(GgufType.INT32, value);
    }

    /** The 64 bits of {@code value} read as unsigned. */
    static Int u64(long value) {
        return new Int(GgufType.UINT64, value);
    }

    static Int i64(long value) {
        return new Int(GgufType.INT64, value);
    }

    static Real f32(float value) {
        return new Real(GgufType.FLOAT32, value);
    }

    static Real f64(double value) {
        return new Real(GgufType.FLOAT64, value);
    }

    static Bool bool(boolean value) {
        return new Bool(value);
    }

    static Text string(String value) {
        return new Text(value);
    }

    static Array strings(List<String> values) {
        return new Array(GgufType.STRING, values.stream().<GgufValue>map(Text::new).toList());
    }

    static Array f32s(float... values) {
        List<GgufValue> elements = new ArrayList<>(values.length);
        for (float value : values) elements.add(f32(value));
        return new Array(GgufType.FLOAT32, elements);
    }

    static Array i32s(int... values) {
        List<GgufValue> elements = new ArrayList<>(values.length);
        for (int value : values) elements.add(i32(value));
        return new Array(GgufType.INT32, elements);
    }
}
