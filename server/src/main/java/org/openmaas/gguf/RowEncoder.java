package org.openmaas.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * Encodes a row of floats as one of the tensor types the writer supports, following ggml's reference quantizers
 * ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}) so that llama.cpp reads back what ggml itself would
 * have written: the same scale, the same rounding, the same nibble order.
 */
final class RowEncoder {

    static final Set<TensorType> WRITABLE = EnumSet.of(TensorType.F32, TensorType.F16, TensorType.Q8_0, TensorType.Q4_0);

    private static final int QK = 32;

    private RowEncoder() {
    }

    /** Appends {@code row} encoded as {@code type} to {@code out}, which must be little-endian with room for it. */
    static void encode(TensorType type, float[] row, ByteBuffer out) {
        assert out.order() == ByteOrder.LITTLE_ENDIAN;
        switch (type) {
            case F32 -> {
                for (float x : row) out.putFloat(x);
            }
            case F16 -> {
                for (float x : row) out.putShort(Float.floatToFloat16(x));
            }
            case Q8_0 -> {
                for (int start = 0; start < row.length; start += QK) q8_0Block(row, start, out);
            }
            case Q4_0 -> {
                for (int start = 0; start < row.length; start += QK) q4_0Block(row, start, out);
            }
            default -> throw new IllegalArgumentException("cannot encode " + type + "; the writer supports " + WRITABLE);
        }
    }

    /** An f16 scale d = max|x| / 127, then 32 signed bytes round(x / d). */
    private static void q8_0Block(float[] row, int start, ByteBuffer out) {
        float amax = 0;
        for (int j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(row[start + j]));
        float d = amax / 127;
        // ggml multiplies by the reciprocal of the unrounded scale, not divides by the stored f16 one.
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < QK; j++) out.put((byte) roundHalfAwayFromZero(row[start + j] * id));
    }

    /**
     * An f16 scale d = m / -8 where m is the value of largest magnitude (the first one on a tie), then 16 bytes: byte
     * j holds element j in its low nibble and element j + 16 in its high nibble, each as min(15, (int) (x / d + 8.5)).
     * Dividing by -8 rather than 8 maps m to nibble 0 exactly, so the asymmetric range -8..7 loses nothing at m.
     */
    private static void q4_0Block(float[] row, int start, ByteBuffer out) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < QK; j++) {
            float v = row[start + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < QK / 2; j++) {
            // Truncation of x + 8.5, as ggml's (int8_t) cast does: round half up, not round half away from zero.
            int low = Math.min(15, (int) (row[start + j] * id + 8.5f));
            int high = Math.min(15, (int) (row[start + QK / 2 + j] * id + 8.5f));
            out.put((byte) (low | high << 4));
        }
    }

    /** C's roundf; Math.round would round -2.5 to -2 where ggml gets -3. Exact, since a float widens to double. */
    private static int roundHalfAwayFromZero(float x) {
        return (int) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
    }
}
