package org.openmaas.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8AccumulatorTest {

    private static final String REPLACEMENT = "\uFFFD";

    private final Utf8Accumulator utf8 = new Utf8Accumulator();

    @Test
    void asciiComesOutAtOnce() {
        assertThat(utf8.append(bytes(0x48, 0x69))).isEqualTo("Hi");
        assertThat(utf8.flush()).isEmpty();
    }

    @Test
    void aTwoByteCharacterSplitAcrossTokensComesWithTheTokenThatCompletesIt() {
        assertThat(utf8.append(bytes(0x20, 0xC3))).isEqualTo(" ");
        assertThat(utf8.append(bytes(0xA9, 0x21))).isEqualTo("é!");
    }

    @Test
    void aFourByteCharacterFedOneByteAtATimeComesWithItsLastByte() {
        assertThat(utf8.append(bytes(0xF0))).isEmpty();
        assertThat(utf8.append(bytes(0x9F))).isEmpty();
        assertThat(utf8.append(bytes(0x98))).isEmpty();
        assertThat(utf8.append(bytes(0x80))).isEqualTo("😀");
    }

    @Test
    void aStrayContinuationByteBecomesOneReplacementCharacter() {
        assertThat(utf8.append(bytes(0x61, 0x80, 0x62))).isEqualTo("a" + REPLACEMENT + "b");
    }

    @Test
    void aCharacterInterruptedByTheNextTokenBecomesOneReplacementAndTheNextCharacterSurvives() {
        assertThat(utf8.append(bytes(0xE2, 0x82))).isEmpty();
        assertThat(utf8.append(bytes(0x41))).isEqualTo(REPLACEMENT + "A");
    }

    @Test
    void anIncompleteCharacterLeftAtTheEndFlushesAsOneReplacementCharacter() {
        assertThat(utf8.append(bytes(0x6F, 0xF0, 0x9F, 0x98))).isEqualTo("o");
        assertThat(utf8.flush()).isEqualTo(REPLACEMENT);
        assertThat(utf8.flush()).isEmpty();
    }

    @Test
    void overlongSurrogateAndOutOfRangeEncodingsAreInvalid() {
        assertThat(utf8.append(bytes(0xC0, 0x80))).isEqualTo(REPLACEMENT.repeat(2));
        assertThat(utf8.append(bytes(0xED, 0xA0, 0x80))).isEqualTo(REPLACEMENT.repeat(3));
        assertThat(utf8.append(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo(REPLACEMENT.repeat(4));
        assertThat(utf8.append(bytes(0xFF))).isEqualTo(REPLACEMENT);
        assertThat(utf8.flush()).isEmpty();
    }

    @Test
    void validTextComesOutUnchangedHoweverItsBytesAreSplit() {
        Random random = new Random(7);
        String text = "Once upon a time: café, naïve, Ελληνικά, 日本語, emoji 😀🎉 and 𝄞.";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 200; round++) {
            assertThat(decodeInPieces(bytes, random)).isEqualTo(text);
        }
    }

    @Test
    void theTextNeverDependsOnHowArbitraryBytesAreSplit() {
        Random random = new Random(11);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = randomUtf8ish(random);
            Utf8Accumulator whole = new Utf8Accumulator();
            String expected = whole.append(bytes) + whole.flush();
            assertThat(decodeInPieces(bytes, random)).as("bytes %s", Arrays.toString(bytes)).isEqualTo(expected);
        }
    }

    /** Feeds the bytes in random pieces (empty ones included) and flushes, like tokens of one generation. */
    private static String decodeInPieces(byte[] bytes, Random random) {
        Utf8Accumulator accumulator = new Utf8Accumulator();
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < bytes.length) {
            int length = Math.min(bytes.length - at, random.nextInt(5));
            out.append(accumulator.append(Arrays.copyOfRange(bytes, at, at + length)));
            at += length;
        }
        return out.append(accumulator.flush()).toString();
    }

    /** Mostly pieces of valid characters, with lead, continuation and junk bytes mixed in. */
    private static byte[] randomUtf8ish(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> pool = new ArrayList<>();
        for (String s : List.of("a", "é", "€", "😀", "日")) {
            pool.add(s.getBytes(StandardCharsets.UTF_8));
        }
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(3) == 0) {
                out.write(0x80 + random.nextInt(0x80)); // any high byte: leads, continuations, invalid ones
            } else {
                byte[] character = pool.get(random.nextInt(pool.size()));
                out.write(character, 0, 1 + random.nextInt(character.length)); // whole or cut short
            }
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
