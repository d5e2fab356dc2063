package org.openmaas.engine.llamacpp;

import java.nio.file.Path;
import org.openmaas.testing.TestModels;

/** The shared test model stories260K.gguf: BOS 1, EOS 2, a 512-token SentencePiece vocabulary. */
final class StoriesModel {

    static final int BOS = 1;
    static final int EOS = 2;

    private StoriesModel() {
    }

    /** Its path; the calling test is skipped when the file is absent. */
    static Path path() {
        return TestModels.stories();
    }
}
