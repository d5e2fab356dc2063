package org.openmaas.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openmaas.gguf.GgufReader;

/**
 * A model file checked before llama.cpp opens it: llama.cpp's own refusal names neither the file nor the cause, so a
 * missing file, a directory or a file that is no GGUF is said here in words.
 */
final class ModelFile {

    private ModelFile() {
    }

    /**
     * @return {@code file}, which exists and has a GGUF header this project can read
     * @throws IOException whose message names the file and what is wrong with it (for a foreign file, its first bytes)
     */
    static Path requireGguf(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory, not a GGUF file");
        }
        if (!Files.exists(file)) {
            throw new IOException("there is no file " + file.toAbsolutePath());
        }
        GgufReader.read(file);
        return file;
    }
}
