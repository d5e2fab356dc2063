package org.openmaas.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.openmaas.testing.Mutations;

/**
 * Model paths come from users, so a GGUF file may be anything: reading a valid model's file broken anywhere (mostly in
 * its header, where every length and count lives) gives a header or a {@link GgufFormatException} — never another
 * exception, never an OutOfMemoryError from a huge declared length, never a hang.
 */
class GgufReaderFuzzTest {

    /** Per file: a guard against a hang, far above any header's reading time, not a measure of speed. */
    static final Duration HANG = Duration.ofSeconds(20);

    static Path dir;
    static byte[] model;
    static int headerBytes;

    @BeforeContainer
    static void writeModel() throws IOException {
        dir = Files.createTempDirectory("gguf-fuzz-");
        Path file = dir.resolve("valid.gguf");
        RandomLlama.write(new RandomLlama.Spec("fuzz", 259, 8, 1, 2, 1, 32, 16, TensorType.F32, 1, "{{ messages }}"),
                file);
        model = Files.readAllBytes(file);
        headerBytes = (int) GgufReader.read(file).dataOffset();
    }

    @AfterContainer
    static void deleteDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @Property(tries = 400)
    void aBrokenFileIsReadOrRefusedAsNotGguf(@ForAll("files") byte[] content) throws IOException {
        Path file = Files.write(dir.resolve("mutated.gguf"), content);

        assertTimeoutPreemptively(HANG, () -> {
            try {
                GgufReader header = GgufReader.read(file);
                assertThat(header.dataOffset()).isBetween(0L, (long) content.length);
            } catch (GgufFormatException e) {
                assertThat(e.getMessage()).startsWith(file.toString());
            }
        });
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Mutations.mutatedBinary(model, headerBytes);
    }
}
