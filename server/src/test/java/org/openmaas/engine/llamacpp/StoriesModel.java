package org.openmaas.engine.llamacpp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test model stories260K.gguf: BOS 1, EOS 2, a 512-token SentencePiece vocabulary. */
final class StoriesModel {

    static final int BOS = 1;
    static final int EOS = 2;

    private StoriesModel() {
    }

    /** Its path; the calling test is skipped when the file is absent. */
    static Path path() {
        Path path = Path.of(System.getProperty("openmaas.sharedModels", "../../shared/models"), "stories260K.gguf");
        assumeTrue(Files.isRegularFile(path), "no " + path + ": tests on the real model are skipped");
        return path;
    }
}
