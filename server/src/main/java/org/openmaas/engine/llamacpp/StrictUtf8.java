package org.openmaas.engine.llamacpp;

/**
 * Where a stream of bytes stands in strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), as one int, so a constrained sequence can refuse tokens whose bytes would not decode. llama.cpp's
 * grammar decodes bytes leniently (an overlong or broken sequence still becomes some code point), so without this a
 * grammar could accept text that decodes to replacement characters here.
 *
 * <p>A state packs the continuation bytes still expected (bits 16 and up) and the range the next one must lie in
 * (low byte {@code lo}, next byte {@code hi}); {@link #COMPLETE} expects none.
 */
final class StrictUtf8 {

    /** Between characters. */
    static final int COMPLETE = 0;
    /** The bytes are not UTF-8. */
    static final int INVALID = -1;

    private StrictUtf8() {
    }

    /** The state after {@code bytes}, from {@code state}; {@link #INVALID} once they cannot be UTF-8. */
    static int after(int state, byte[] bytes) {
        for (byte b : bytes) {
            state = after(state, b & 0xFF);
            if (state == INVALID) {
                return INVALID;
            }
        }
        return state;
    }

    private static int after(int state, int b) {
        int remaining = state >>> 16;
        if (remaining > 0) {
            int lo = state & 0xFF;
            int hi = (state >>> 8) & 0xFF;
            if (b < lo || b > hi) {
                return INVALID;
            }
            return remaining == 1 ? COMPLETE : expect(remaining - 1, 0x80, 0xBF);
        }
        if (b <= 0x7F) return COMPLETE;
        if (b >= 0xC2 && b <= 0xDF) return expect(1, 0x80, 0xBF);
        if (b == 0xE0) return expect(2, 0xA0, 0xBF);
        if (b == 0xED) return expect(2, 0x80, 0x9F);
        if (b >= 0xE1 && b <= 0xEF) return expect(2, 0x80, 0xBF);
        if (b == 0xF0) return expect(3, 0x90, 0xBF);
        if (b >= 0xF1 && b <= 0xF3) return expect(3, 0x80, 0xBF);
        if (b == 0xF4) return expect(3, 0x80, 0x8F);
        return INVALID;
    }

    private static int expect(int remaining, int lo, int hi) {
        return remaining << 16 | hi << 8 | lo;
    }
}
