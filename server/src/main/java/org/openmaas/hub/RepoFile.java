package org.openmaas.hub;

import java.util.Objects;
import java.util.Optional;

/**
 * A file of a hub repository as its API lists it.
 *
 * @param path   the path inside the repository
 * @param size   bytes
 * @param sha256 the SHA-256 the hub keeps for a file stored in LFS; empty for a small file kept in git itself
 */
public record RepoFile(String path, long size, Optional<String> sha256) {

    public RepoFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** The file name without its folders. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
