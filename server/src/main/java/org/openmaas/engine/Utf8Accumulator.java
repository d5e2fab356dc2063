package org.openmaas.engine;

import java.util.Arrays;

/**
 * Turns a stream of token bytes into text, one complete character at a time: a token that ends inside a multi-byte
 * UTF-8 character yields {@code ""} and the token that completes it yields the character.
 *
 * <p>Invalid input becomes U+FFFD, one per maximal ill-formed subpart (the Unicode "best practice" the JDK's decoder
 * also follows for most inputs). The text never depends on how the bytes were split into tokens:
 * {@code append(a) + append(b) + flush()} always equals {@code append(a ++ b) + flush()}.
 */
public final class Utf8Accumulator {

    private static final char REPLACEMENT = '\uFFFD';

    private final byte[] pending = new byte[3]; // a valid but incomplete character's first bytes
    private int pendingLength;

    /** The characters that {@code bytes} completes, in order. */
    public String append(byte[] bytes) {
        byte[] input = bytes;
        if (pendingLength > 0) {
            input = Arrays.copyOf(pending, pendingLength + bytes.length);
            System.arraycopy(bytes, 0, input, pendingLength, bytes.length);
            pendingLength = 0;
        }
        StringBuilder out = new StringBuilder(input.length);
        int i = 0;
        while (i < input.length) {
            int lead = input[i] & 0xFF;
            if (lead < 0x80) {
                out.append((char) lead);
                i++;
                continue;
            }
            int length = sequenceLength(lead);
            if (length == 0) {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int valid = 1;
            while (valid < length && i + valid < input.length && isContinuation(lead, valid, input[i + valid] & 0xFF)) {
                valid++;
            }
            if (valid == length) {
                out.appendCodePoint(decode(input, i, length));
                i += length;
            } else if (i + valid == input.length) {
                // Valid so far, cut short by the end of the input: wait for the next token.
                System.arraycopy(input, i, pending, 0, valid);
                pendingLength = valid;
                break;
            } else {
                out.append(REPLACEMENT);
                i += valid;
            }
        }
        return out.toString();
    }

    /** What an incomplete character left at the end becomes: U+FFFD, or "" when nothing is pending. */
    public String flush() {
        if (pendingLength == 0) {
            return "";
        }
        pendingLength = 0;
        return String.valueOf(REPLACEMENT);
    }

    /** Bytes of the character that {@code lead} starts, or 0 when it cannot start one. */
    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0; // continuation bytes, overlong leads C0/C1, and F5..FF
    }

    /** Whether {@code b} may be byte {@code index} of a character starting with {@code lead} (Unicode table 3-7). */
    private static boolean isContinuation(int lead, int index, int b) {
        if (index == 1) {
            return switch (lead) {
                case 0xE0 -> b >= 0xA0 && b <= 0xBF; // no overlong 3-byte forms
                case 0xED -> b >= 0x80 && b <= 0x9F; // no surrogates
                case 0xF0 -> b >= 0x90 && b <= 0xBF; // no overlong 4-byte forms
                case 0xF4 -> b >= 0x80 && b <= 0x8F; // nothing above U+10FFFF
                default -> b >= 0x80 && b <= 0xBF;
            };
        }
        return b >= 0x80 && b <= 0xBF;
    }

    private static int decode(byte[] input, int start, int length) {
        int codePoint = input[start] & (0xFF >> (length + 1));
        for (int k = 1; k < length; k++) {
            codePoint = (codePoint << 6) | (input[start + k] & 0x3F);
        }
        return codePoint;
    }
}
