package org.openmaas.engine.llamacpp;

import java.nio.file.Path;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.gguf.TensorType;
import org.openmaas.testing.TestModels;

/**
 * The model engine tests run on when their assertions hold for any model: written by the project's GGUF writer, so
 * they need no {@code ../shared}. Random weights: its text means nothing, but every token is as real as a trained
 * model's (BOS 1, EOS 2, byte tokens, a SentencePiece vocabulary of 512).
 */
final class GeneratedModel {

    /** About 160 K parameters in F32 (decodes in well under a millisecond a token), 2048 tokens of context. */
    static final RandomLlama.Spec SPEC =
            new RandomLlama.Spec("random-llama-engine", 512, 64, 2, 4, 2, 192, 2048, TensorType.F32, 1, null);

    static final int BOS = 1;
    static final int EOS = 2;

    private GeneratedModel() {
    }

    static Path path() {
        return TestModels.generated(SPEC);
    }

    /**
     * A model slow enough that generating a few hundred tokens takes seconds: for tests that must act while a
     * generation is still running.
     */
    static Path slow() {
        return TestModels.slow();
    }
}
