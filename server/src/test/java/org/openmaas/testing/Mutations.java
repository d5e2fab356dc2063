package org.openmaas.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Inputs for fuzzing a parser of outside input: random bytes and text, and valid examples of its format broken the
 * ways real mistakes and attacks break them. A valid example gets a few edits of its {@link Grammar} (a value replaced
 * by something hostile: a huge number, deep nesting, a control character, the wrong type; a key given twice; a
 * fragment inserted anywhere), then sometimes byte edits (a flipped bit, a cut, an inserted control byte or malformed
 * UTF-8, a range deleted or repeated). Edits are plain values, so jqwik shows and shrinks them.
 */
public final class Mutations {

    /**
     * Where a format keeps its keys and scalar values, what separates two members (to give a key twice), and what
     * hostile text to put there.
     */
    public record Grammar(Pattern keys, Pattern values, String separator, List<String> hostile) {
    }

    private static final String DEEP = "[".repeat(5000) + "]".repeat(5000);

    /** JSON: object keys (with their colon), scalar values, and values no client should send. */
    public static final Grammar JSON = new Grammar(
            Pattern.compile("(?<=[{,]\\s{0,5})\"(?:[^\"\\\\]++|\\\\.)*+\"\\s*:"),
            Pattern.compile("(?<=[:\\[,]\\s{0,5})(?:\"(?:[^\"\\\\]++|\\\\.)*+\"(?!\\s*:)|-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null)"),
            ", ",
            List.of("1e999999", "-1e999999", "99999999999999999999999999999", "-9223372036854775809",
                    "9223372036854775807", "2147483648", "4.9e-324", "1e-50", "3.5e38", "-0", "0.5", "NaN", "-Infinity", "null", "true",
                    "\"\"", "\" \"", "\"\\u0000\"", "\"a\u0001b\"", "\"\\ud800\"", "\"\\n\\r2026 INFO forged\"",
                    "[]", "{}", "[null]", "[1, \"a\", {}]", "{\"a\": 1, \"a\": 2}", DEEP,
                    "{\"a\": ".repeat(3000) + "1" + "}".repeat(3000), "\"" + "x".repeat(100_000) + "\"",
                    "[" + "\"s\", ".repeat(10_000) + "\"s\"]", "\"\\uDBFF\\uDFFF\"", "\"😀\""));

    /** application/x-www-form-urlencoded: names (with their '='), values, and malformed encodings. */
    public static final Grammar FORM = new Grammar(
            Pattern.compile("(?:^|(?<=&))[^&=]*+="),
            Pattern.compile("(?<==)[^&]*+"),
            "&",
            List.of("", "%", "%2", "%zz", "%00", "%C0%AF", "%FF%FE", "%E0%80%AF", "+", "&", "=", "==", "&&&",
                    "client_credentials", "grant_type=client_credentials", "scope=inference%20admin", "%0d%0aforged",
                    "x".repeat(9000), "%25".repeat(3000), "\u0000", "é"));

    /** YAML: mapping keys (with their colon), plain scalars after a key, and YAML's sharper features. */
    public static final Grammar YAML = new Grammar(
            Pattern.compile("(?<![A-Za-z_])[A-Za-z_]++:"),
            Pattern.compile("(?<=: )[^\\n{}\\[\\],]++"),
            ", ", // a key given twice lands in a flow mapping ({a: 1, a: 2}) or breaks a block one: both are worth a try
            List.of("~", "null", "''", "\"\"", "[]", "{}", "[a, b]", "{a: 1}", "- x", "99999999999999999999",
                    "-1", "0x7fffffffffffffff", "1e999", ".nan", "!!binary AAAA", "!!str 1", "!!int x",
                    "!!java.lang.Object {}", "&a [*a]", "*undefined", "<<: *x", "? [a]", "'unterminated", "\"\\x00\"",
                    "\t", "\u0000", "|\n  block", ">-", "%YAML 1.1", "---\n---", "...", DEEP,
                    "{a: ".repeat(3000) + "1" + "}".repeat(3000), "x".repeat(100_000), "\"\\ud800\""));

    private static final List<byte[]> MALFORMED_UTF8 = List.of(new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC3});

    /** Integers a corrupt length or count field may hold, little-endian as GGUF writes them. */
    private static final List<Long> HUGE = List.of(-1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 32,
            (1L << 32) - 1, 1L << 40, 1L << 62, 0L, 1L, 65L);

    private Mutations() {
    }

    /** A text edit of a valid example; {@code which} picks among its matches, {@code pick} among the hostile values. */
    public record TextEdit(Kind kind, int which, int pick) {

        public enum Kind { REPLACE_VALUE, REPEAT_KEY, INSERT }

        String apply(String text, Grammar grammar) {
            String hostile = grammar.hostile().get(pick % grammar.hostile().size());
            return switch (kind) {
                case REPLACE_VALUE -> replaceNth(text, grammar.values(), which, hostile);
                case REPEAT_KEY -> {
                    MatchResult key = nth(text, grammar.keys(), which);
                    yield key == null ? text
                            : text.substring(0, key.start()) + key.group() + hostile + grammar.separator()
                            + text.substring(key.start());
                }
                case INSERT -> {
                    int at = which % (text.length() + 1);
                    yield text.substring(0, at) + hostile + text.substring(at);
                }
            };
        }

        private static String replaceNth(String text, Pattern pattern, int which, String replacement) {
            MatchResult match = nth(text, pattern, which);
            return match == null ? text : text.substring(0, match.start()) + replacement + text.substring(match.end());
        }

        private static MatchResult nth(String text, Pattern pattern, int which) {
            List<MatchResult> matches = pattern.matcher(text).results().toList();
            return matches.isEmpty() ? null : matches.get(which % matches.size());
        }
    }

    /** A byte edit at {@code at} (taken modulo the length); {@code arg} sizes or picks what the edit needs. */
    public record ByteEdit(Kind kind, int at, int arg) {

        public enum Kind { FLIP, TRUNCATE, INSERT_CONTROL, INSERT_MALFORMED_UTF8, DELETE, REPEAT, OVERWRITE_U32, OVERWRITE_U64 }

        byte[] apply(byte[] bytes) {
            int at = bytes.length == 0 ? 0 : this.at % bytes.length;
            return switch (kind) {
                case FLIP -> {
                    byte[] copy = bytes.clone();
                    if (copy.length > 0) {
                        copy[at] ^= (byte) (1 << (arg % 8));
                    }
                    yield copy;
                }
                case TRUNCATE -> Arrays.copyOf(bytes, at);
                case INSERT_CONTROL -> insert(bytes, at, new byte[] {(byte) (arg % 33 == 32 ? 0x7F : arg % 33)});
                case INSERT_MALFORMED_UTF8 -> insert(bytes, at, MALFORMED_UTF8.get(arg % MALFORMED_UTF8.size()));
                case DELETE -> {
                    int end = Math.min(bytes.length, at + 1 + arg % 16);
                    yield concat(Arrays.copyOfRange(bytes, 0, at), Arrays.copyOfRange(bytes, end, bytes.length));
                }
                case REPEAT -> {
                    int end = Math.min(bytes.length, at + 1 + arg % 64);
                    yield insert(bytes, at, Arrays.copyOfRange(bytes, at, end));
                }
                case OVERWRITE_U32 -> overwrite(bytes, at, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt((int) (long) HUGE.get(arg % HUGE.size())).array());
                case OVERWRITE_U64 -> overwrite(bytes, at, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(HUGE.get(arg % HUGE.size())).array());
            };
        }

        private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
            return concat(concat(Arrays.copyOfRange(bytes, 0, at), inserted), Arrays.copyOfRange(bytes, at, bytes.length));
        }

        private static byte[] overwrite(byte[] bytes, int at, byte[] value) {
            byte[] copy = bytes.clone();
            System.arraycopy(value, 0, copy, at, Math.min(value.length, copy.length - at));
            return copy;
        }

        private static byte[] concat(byte[] a, byte[] b) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
            out.writeBytes(a);
            out.writeBytes(b);
            return out.toByteArray();
        }
    }

    /** Bytes for a parser of {@code grammar}: mostly {@code valid} examples broken, sometimes random bytes or text. */
    public static Arbitrary<byte[]> of(Grammar grammar, List<String> valid) {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(300)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(8, mutated(grammar, valid)));
    }

    /** {@code valid} examples after one to three edits of {@code grammar} and, one time in four, byte edits. */
    public static Arbitrary<byte[]> mutated(Grammar grammar, List<String> valid) {
        // Mostly edits that keep the format's shape, so that most inputs get past the syntax to the fields' checks.
        Arbitrary<TextEdit.Kind> textKinds = Arbitraries.frequency(Tuple.of(6, TextEdit.Kind.REPLACE_VALUE),
                Tuple.of(2, TextEdit.Kind.REPEAT_KEY), Tuple.of(1, TextEdit.Kind.INSERT));
        Arbitrary<List<ByteEdit>> sometimes = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.of())),
                Tuple.of(1, byteEdits(ByteEdit.Kind.values()).list().ofMinSize(1).ofMaxSize(2)));
        return Combinators.combine(Arbitraries.of(valid), textEdits(textKinds).list().ofMinSize(1).ofMaxSize(3),
                        sometimes)
                .as((example, textEdits, byteEdits) -> {
                    String text = example;
                    for (TextEdit edit : textEdits) {
                        text = edit.apply(text, grammar);
                    }
                    return applyAll(text.getBytes(StandardCharsets.UTF_8), byteEdits);
                });
    }

    /** {@code valid} (a binary file's bytes) after one to four byte edits, most of them within its first {@code head} bytes. */
    public static Arbitrary<byte[]> mutatedBinary(byte[] valid, int head) {
        Arbitrary<ByteEdit> inHead = Combinators.combine(Arbitraries.of(ByteEdit.Kind.values()),
                Arbitraries.integers().between(0, head - 1), Arbitraries.integers().between(0, 1 << 16)).as(ByteEdit::new);
        Arbitrary<ByteEdit> anywhere = byteEdits(ByteEdit.Kind.values());
        return Arbitraries.frequencyOf(Tuple.of(4, inHead), Tuple.of(1, anywhere))
                .list().ofMinSize(1).ofMaxSize(4).map(edits -> applyAll(valid, edits));
    }

    private static Arbitrary<TextEdit> textEdits(Arbitrary<TextEdit.Kind> kinds) {
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 1 << 16),
                Arbitraries.integers().between(0, 1 << 16)).as(TextEdit::new);
    }

    private static Arbitrary<ByteEdit> byteEdits(ByteEdit.Kind... kinds) {
        return Combinators.combine(Arbitraries.of(kinds), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 1 << 16)).as(ByteEdit::new);
    }

    private static byte[] applyAll(byte[] bytes, List<ByteEdit> edits) {
        for (ByteEdit edit : edits) {
            bytes = edit.apply(bytes);
        }
        return bytes;
    }
}
