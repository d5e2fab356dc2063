package org.openmaas.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GgufRowEncoderTest {

    private static byte[] encode(TensorType type, float[] row) {
        ByteBuffer out = ByteBuffer.allocate((int) type.rowBytes(row.length)).order(ByteOrder.LITTLE_ENDIAN);
        RowEncoder.encode(type, row, out);
        assertThat(out.hasRemaining()).as("bytes left unwritten").isFalse();
        return out.array();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) bytes[i] = (byte) values[i];
        return bytes;
    }

    @Test
    void writesF32AsLittleEndianFloats() {
        assertThat(encode(TensorType.F32, new float[] {1f, -2f}))
                .containsExactly(bytes(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0));
    }

    @Test
    void writesF16RoundedToNearest() {
        // 0.1 is 1.6 * 2^-4: exponent 11, mantissa 0.6 * 1024 = 614.4 -> 614 = 0x266, so 0x2E66.
        assertThat(encode(TensorType.F16, new float[] {1f, -2f, 0.1f}))
                .containsExactly(bytes(0x00, 0x3C, 0x00, 0xC0, 0x66, 0x2E));
    }

    @Test
    void quantizesQ8_0WithScaleMaxOver127AndRoundsHalfAwayFromZero() {
        float[] row = new float[32];
        row[0] = 127f;      // max |x|: d = 1, stored as f16 0x3C00
        row[1] = -127f;
        row[2] = 0.5f;
        row[3] = -0.5f;
        row[4] = 1.49f;
        row[5] = -2.5f;
        row[6] = 2.5f;
        byte[] expected = new byte[34];
        expected[0] = 0x00;
        expected[1] = 0x3C;
        byte[] q = bytes(127, -127, 1, -1, 1, -3, 3);
        System.arraycopy(q, 0, expected, 2, q.length);

        assertThat(encode(TensorType.Q8_0, row)).containsExactly(expected);
    }

    @Test
    void quantizesQ8_0ScaleToF16() {
        float[] row = new float[32];
        row[31] = -12.7f;   // d = 0.1, f16 0x2E66; -12.7 * (1 / 0.1) = -127

        byte[] encoded = encode(TensorType.Q8_0, row);

        assertThat(Arrays.copyOfRange(encoded, 0, 2)).containsExactly(bytes(0x66, 0x2E));
        assertThat(encoded[33]).isEqualTo((byte) -127);
    }

    @Test
    void quantizesAnAllZeroQ8_0BlockToZeros() {
        assertThat(encode(TensorType.Q8_0, new float[32])).containsOnly(0);
    }

    @Test
    void quantizesEachQ8_0BlockWithItsOwnScale() {
        float[] row = new float[64];
        row[0] = 127f;
        row[32] = 12.7f;

        byte[] encoded = encode(TensorType.Q8_0, row);

        assertThat(Arrays.copyOfRange(encoded, 34, 36)).containsExactly(bytes(0x66, 0x2E));
        assertThat(encoded[36]).isEqualTo((byte) 127);
    }

    @Test
    void quantizesQ4_0WithTheLargestMagnitudeAsMinus8AndPairsElementJWithJPlus16() {
        float[] row = new float[32];
        row[0] = -8f;       // largest magnitude m: d = m / -8 = 1, f16 0x3C00; it maps to nibble 0
        row[16] = 7f;       // 7 + 8.5 -> 15
        row[1] = -0.5f;     // 8.0 -> 8: ggml truncates x + 8.5, so halves round up
        row[17] = 0.5f;     // 9.0 -> 9
        row[2] = 7.6f;      // 16.1 -> 16, clamped to 15
        row[18] = -7.4f;    // 1.1 -> 1
        byte[] expected = new byte[18];
        Arrays.fill(expected, 2, 18, (byte) 0x88);   // zeros are nibble 8
        expected[0] = 0x00;
        expected[1] = 0x3C;
        expected[2] = (byte) 0xF0;
        expected[3] = (byte) 0x98;
        expected[4] = (byte) 0x1F;

        assertThat(encode(TensorType.Q4_0, row)).containsExactly(expected);
    }

    @Test
    void quantizesQ4_0WithANegativeScaleWhenTheLargestMagnitudeIsPositive() {
        float[] row = new float[32];
        row[0] = 4f;        // first of two equal magnitudes wins: d = 4 / -8 = -0.5, f16 0xB800; 4 -> nibble 0
        row[1] = -4f;       // -4 * -2 + 8.5 = 16.5 -> 16, clamped to 15
        row[16] = 1f;       // -2 + 8.5 -> 6
        row[17] = -1f;      // 2 + 8.5 -> 10
        byte[] expected = new byte[18];
        Arrays.fill(expected, 2, 18, (byte) 0x88);
        expected[0] = 0x00;
        expected[1] = (byte) 0xB8;
        expected[2] = 0x60;
        expected[3] = (byte) 0xAF;

        assertThat(encode(TensorType.Q4_0, row)).containsExactly(expected);
    }

    @Test
    void refusesTypesItCannotEncode() {
        assertThatThrownBy(() -> encode(TensorType.Q4_K, new float[256]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode Q4_K");
    }
}
