package org.openmaas.engine.llamacpp;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Finds llama.cpp's shared library inside the {@code de.kherud:llama} jar, copies it to a cache directory and opens it.
 *
 * <p>The library is opened with {@link SymbolLookup#libraryLookup(Path, Arena)}, never {@link System#load}: the
 * library's {@code JNI_OnLoad} looks up the wrapper's Java classes, which this project does not use.
 */
final class NativeLibrary {

    private static final String RESOURCE_ROOT = "de/kherud/llama/";

    private NativeLibrary() {
    }

    /** Extracts (at most once per library content) and opens the library for the life of the JVM. */
    static Opened open() {
        String resource = RESOURCE_ROOT + platformDirectory() + "/" + System.mapLibraryName("jllama");
        try {
            Path file = extract(resource);
            return new Opened(file, SymbolLookup.libraryLookup(file, Arena.global()));
        } catch (IOException e) {
            throw new IllegalStateException("could not extract the llama.cpp library " + resource + ": " + e.getMessage(), e);
        }
    }

    record Opened(Path file, SymbolLookup symbols) {
    }

    /** The jar's folder for this machine, e.g. {@code Linux/x86_64}. */
    static String platformDirectory() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osDir;
        if (os.startsWith("linux")) {
            osDir = "Linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            osDir = "Mac";
        } else if (os.startsWith("windows")) {
            osDir = "Windows";
        } else {
            throw new IllegalStateException("no llama.cpp library for operating system " + os);
        }
        String archDir = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> throw new IllegalStateException("no llama.cpp library for architecture " + arch);
        };
        return osDir + "/" + archDir;
    }

    /**
     * Copies the resource to {@code <java.io.tmpdir>/openmaas-native-<user>/<hash>-<name>} unless an identical copy is
     * already there. The name carries the content hash so two library versions never overwrite each other; the
     * existing file is still hashed again, because a temp directory is a place others can write to.
     */
    private static Path extract(String resource) throws IOException {
        byte[] bytes;
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource not on the class path (is de.kherud:llama a dependency?)");
            }
            bytes = in.readAllBytes();
        }
        String hash = sha256(bytes);
        Path dir = cacheDirectory();
        Path target = dir.resolve(hash.substring(0, 16) + "-" + resource.substring(resource.lastIndexOf('/') + 1));
        if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).equals(hash)) {
            return target;
        }
        // Write beside the target, then move: another JVM extracting at the same time never sees a partial file.
        Path partial = Files.createTempFile(dir, "jllama-", ".part");
        try {
            Files.write(partial, bytes);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }

    private static Path cacheDirectory() throws IOException {
        String user = System.getProperty("user.name", "user");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "openmaas-native-" + user.replaceAll("[^A-Za-z0-9._-]", "_"));
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (Files.isDirectory(dir)) {
            if (posix && !Files.getOwner(dir).getName().equals(user)) {
                throw new IOException(dir + " belongs to another user; refusing to load a library from it");
            }
            return dir;
        }
        if (posix) {
            // Owner-only, so no other local user can swap the library between our check and the load.
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
        return dir;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
