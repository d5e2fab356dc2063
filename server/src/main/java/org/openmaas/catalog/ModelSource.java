package org.openmaas.catalog;

import java.nio.file.Path;
import java.util.Objects;

/** Where a product's model is: a GGUF this process loads (a local file or a hub file), or an engine elsewhere. */
public sealed interface ModelSource {

    /** An engine on other machines serves the model; this process loads nothing for it. */
    record Remote(RemoteEngineConfig engine) implements ModelSource {
        public Remote {
            Objects.requireNonNull(engine, "engine");
        }

        @Override
        public String toString() {
            return engine.toString();
        }
    }

    /** A GGUF file on this machine. */
    record LocalFile(Path path) implements ModelSource {
        public LocalFile {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * A file in a Hugging Face hub repository, written {@code hf://owner/repo/path/in/repo.gguf}; downloaded into the
     * data directory's models folder on first use.
     */
    record HubFile(String repository, String path) implements ModelSource {
        public static final String SCHEME = "hf://";

        public HubFile {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return SCHEME + repository + "/" + path;
        }
    }

    /** Parses a catalog's {@code model:} value; relative paths are taken from {@code baseDir}. */
    static ModelSource parse(String value, Path baseDir) {
        if (value.startsWith(HubFile.SCHEME)) {
            String[] parts = value.substring(HubFile.SCHEME.length()).split("/", 3);
            if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw new IllegalArgumentException("hub reference '" + value
                        + "' must be hf://owner/repository/path/to/file.gguf");
            }
            return new HubFile(parts[0] + "/" + parts[1], parts[2]);
        }
        return new LocalFile(baseDir.resolve(value).normalize());
    }
}
