package org.openmaas.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for text that comes from outside: every malformed sequence is refused, never replaced or read
 * leniently. An overlong form ({@code C0 AF} for {@code /}) read as its character would let a byte pattern that a
 * check upstream did not see as {@code /} arrive as one; surrogates and code points above U+10FFFF are no characters.
 */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The text {@code bytes} encode.
     *
     * @param what what the bytes are, for the message: "the request body"
     * @throws ApiException.InvalidArgument naming the offset of the first byte that is not UTF-8
     */
    public static String decode(byte[] bytes, String what) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()));
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new ApiException.InvalidArgument(what + " must be UTF-8; the bytes at offset " + in.position() + " ("
                    + hex(bytes, in.position(), result.length()) + ") are not a valid UTF-8 sequence");
        }
        return out.flip().toString();
    }

    private static String hex(byte[] bytes, int from, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = from; i < Math.min(bytes.length, from + length); i++) {
            hex.append(hex.isEmpty() ? "" : " ").append(String.format("%02X", bytes[i] & 0xFF));
        }
        return hex.toString();
    }
}
