package org.openmaas.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This instance's stable id, kept in its data directory: usage records carry it, so that after a crash an instance
 * closes the records it left open and never those of another instance running on the same database.
 */
final class InstanceId {

    static final String FILE_NAME = "instance-id";

    private InstanceId() {
    }

    static String of(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = UUID.randomUUID().toString();
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
