package org.openmaas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openmaas.engine.llamacpp.LlamaSource;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.gguf.TensorType;

/**
 * Models for tests: the real trained stories260K from {@code ../shared/models} when it is there, otherwise models the
 * project's GGUF writer makes (written once per JVM into a temp folder).
 */
public final class TestModels {

    private static final Path SHARED = Path.of(System.getProperty("openmaas.sharedModels", "../shared/models"));
    private static final Path GENERATED = Path.of(System.getProperty("java.io.tmpdir"), "openmaas-test-models");

    private TestModels() {
    }

    /** The real stories260K (BOS 1, EOS 2, a 512-token SentencePiece vocabulary); the calling test is skipped without it. */
    public static Path stories() {
        Path stories = SHARED.resolve("stories260K.gguf");
        Assumptions.assumeTrue(Files.isRegularFile(stories), "no " + stories + ": tests on the real model are skipped");
        return stories;
    }

    /** A tiny model for end-to-end tests: stories260K, or a generated one of the same size class. */
    public static List<Path> tiny() {
        Path stories = SHARED.resolve("stories260K.gguf");
        return List.of(Files.exists(stories) ? stories : generated(RandomLlama.Spec.tiny()));
    }

    /** A tiny generated model with a chat template (llama.cpp's built-in chatml), for chat routes: stories260K has none. */
    public static Path chat() {
        return generated(RandomLlama.Spec.tiny().withName("random-llama-chat").withChatTemplate("chatml"));
    }

    /**
     * A random model big enough that generating a few hundred tokens takes seconds on two cores (about 25 M
     * parameters in F32): for tests that must act while a generation is still running.
     */
    public static Path slow() {
        return generated(new RandomLlama.Spec("random-llama-slow", 2048, 512, 8, 8, 4, 1536, 2048, TensorType.F32, 7, null));
    }

    /**
     * A tiny generated model with a real model's tokenizer ({@code ggml-vocab-<vocabulary>.gguf} from llama.cpp's
     * source, such as {@code llama-bpe} for Llama 3's 128 256 tokens), so prompts tokenize exactly as for that model.
     */
    public static Path withTokenizer(String vocabulary) {
        try {
            RandomLlama.Spec spec = RandomLlama.Spec.tiny().withName("random-llama-vocab-" + vocabulary)
                    .withTokenizerOf(GgufReader.read(LlamaSource.vocabulary(vocabulary)));
            return generated(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized Path generated(RandomLlama.Spec spec) {
        Path file = GENERATED.resolve(spec.name() + "-" + Integer.toHexString(spec.hashCode()) + ".gguf");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(GENERATED);
                RandomLlama.write(spec, file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
