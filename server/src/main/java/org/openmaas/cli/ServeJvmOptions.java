package org.openmaas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The JVM options {@code maas serve} runs with, kept in one java argument file ({@value #FILE_NAME}, beside this class
 * in the sources and the jar) that the ./maas launcher, the container image, {@code bench gateway} and the instances
 * of {@code bench store} all pass to java: they run the same server, and a change to one option reaches all of them.
 * Why each option is there: the file's comments.
 */
public final class ServeJvmOptions {

    static final String FILE_NAME = "serve.jvm-options";

    private ServeJvmOptions() {
    }

    /**
     * Writes the argument file into {@code dir}, for a java started from this jar (whose resources the launcher
     * cannot read).
     *
     * @return the java argument that reads it: {@code @} and the file's path
     */
    public static String argumentFileIn(Path dir) throws IOException {
        try (InputStream options = ServeJvmOptions.class.getResourceAsStream(FILE_NAME)) {
            if (options == null) {
                throw new IllegalStateException(FILE_NAME + " is missing from the server's jar: rebuild it");
            }
            Path file = dir.resolve(FILE_NAME);
            Files.copy(options, file, StandardCopyOption.REPLACE_EXISTING);
            return "@" + file;
        }
    }
}
