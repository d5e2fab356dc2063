package org.openmaas.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.openmaas.gguf.RandomLlama;

/**
 * The model of last resort: random weights written by the project's GGUF writer, so a server with no model and no
 * hub still starts and proves its whole path works. Its output is meaningless, and the log says so every time.
 */
final class SmokeTestModel {

    static final String NAME = "openmaas-smoke-test-random-weights";
    static final String FILE = NAME + ".gguf";

    private static final Logger LOG = Logger.getLogger(SmokeTestModel.class.getName());

    private SmokeTestModel() {
    }

    static Path create(Path modelsDir, String whyNoRealModel) {
        Path file = modelsDir.resolve(FILE);
        try {
            Files.createDirectories(modelsDir); // the models are checked before the server creates its directories
            RandomLlama.write(RandomLlama.Spec.tiny().withName(NAME), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the smoke-test model " + file, e);
        }
        LOG.warning("the default model could not be downloaded (" + whyNoRealModel + "); generated " + file);
        return file;
    }

    /** Deletes the smoke-test model of {@code modelsDir}, if there is one: a real model has taken its place. */
    static void deleteIn(Path modelsDir) {
        Path file = modelsDir.resolve(FILE);
        try {
            if (Files.deleteIfExists(file)) {
                LOG.info("the default model is here now; deleted the smoke-test model " + file);
            }
        } catch (IOException e) {
            LOG.warning("cannot delete the smoke-test model " + file + ": " + e.getMessage());
        }
    }

    /** Logs the warning for a product serving the smoke-test model. */
    static void warnIfServed(String productName, String modelName) {
        if (NAME.equals(modelName)) {
            LOG.warning("""

                    ************************************************************************************
                    *  %s serves a RANDOM-WEIGHTS SMOKE-TEST MODEL: its output is meaningless.
                    *  Give a real model with --model PATH or --catalog FILE, or put a GGUF into the
                    *  data directory's models folder (or let the server reach the Hugging Face hub).
                    ************************************************************************************"""
                    .formatted(productName));
        }
    }
}
