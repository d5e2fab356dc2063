package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Strict UTF-8, byte by byte across token boundaries, as a constrained sequence checks each candidate token. */
class StrictUtf8Test {

    @Test
    void wellFormedTextEndsComplete() {
        assertThat(StrictUtf8.after(StrictUtf8.COMPLETE, "aé€😀".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(StrictUtf8.COMPLETE);
    }

    @Test
    void aCharacterSplitAcrossTokensIsPendingThenComplete() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        int pending = StrictUtf8.after(StrictUtf8.COMPLETE, new byte[]{euro[0]});

        assertThat(pending).isNotIn(StrictUtf8.COMPLETE, StrictUtf8.INVALID);
        assertThat(StrictUtf8.after(pending, new byte[]{euro[1], euro[2]})).isEqualTo(StrictUtf8.COMPLETE);
        assertThat(StrictUtf8.after(pending, new byte[]{'a'})).as("a pending character cut short")
                .isEqualTo(StrictUtf8.INVALID);
    }

    @Test
    void whatJavaWouldDecodeAsReplacementCharactersIsInvalid() {
        for (byte[] bad : new byte[][]{
                {(byte) 0xC1, (byte) 0x81},                           // overlong 'A'
                {(byte) 0xE0, (byte) 0x80, (byte) 0x80},              // overlong
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},              // a surrogate, U+D800
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
                {(byte) 0x80},                                        // a lone continuation byte
                {(byte) 0xF8}}) {                                     // no such lead byte
            assertThat(StrictUtf8.after(StrictUtf8.COMPLETE, bad)).isEqualTo(StrictUtf8.INVALID);
        }
    }
}
