package org.openmaas.engine.llamacpp;

import java.io.IOException;
import java.nio.file.Path;

/**
 * llama.cpp refused a model because it does not know the model's architecture: a newer model family than the loaded
 * llama.cpp build, or a GGUF of something llama.cpp does not run.
 */
public final class UnsupportedArchitectureException extends IOException {

    UnsupportedArchitectureException(Path file, String architecture, String build) {
        super(file + " has the architecture '" + architecture + "' (its general.architecture), which this llama.cpp "
                + "build (" + build + ") does not support; a newer llama.cpp (--llama-lib) or a model of an "
                + "architecture it knows can serve");
    }
}
