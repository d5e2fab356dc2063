package org.openmaas.cli.connection;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The settings file of every command that connects to a server, TOML, written by {@code maas login} with mode 0600
 * because it holds the client secret:
 *
 * <pre>
 * base_url = "http://localhost:8080/v1/maas"
 * auth_url = "http://localhost:8080/oauth2/token"
 * client_id = "my_client_id"
 * client_secret = "..."
 * cloud_account = "123456789012"
 * </pre>
 * Its place: {@code --config}, else {@code MAAS_CONFIG}, else {@code $XDG_CONFIG_HOME/maas/config.toml}, else
 * {@code ~/.config/maas/config.toml}.
 */
public final class ConfigFile {

    public static final String ENV_CONFIG = "MAAS_CONFIG";
    private static final TomlMapper TOML = new TomlMapper();
    private static final String HEADER = "# maas client settings, written by `maas login`. It holds the client secret: keep it mode 0600.\n";

    private ConfigFile() {
    }

    /** Where the file is for this environment ({@code --config} aside). */
    public static Path defaultLocation(Map<String, String> env) {
        String explicit = env.get(ENV_CONFIG);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path configHome = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return configHome.resolve("maas").resolve("config.toml");
    }

    /**
     * The settings in {@code file}; empty when there is no such file.
     *
     * @throws IllegalArgumentException with a sentence naming the file and the mistake
     */
    public static Optional<Settings> read(Path file) {
        try {
            Settings settings = TOML.readValue(Files.readString(file, StandardCharsets.UTF_8), Settings.class);
            return Optional.of(settings == null ? Settings.NONE : settings);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("config file " + file + ": unknown key '" + e.getPropertyName()
                    + "'; allowed keys: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")));
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("config file " + file + " is not valid TOML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Writes {@code settings} to {@code file} with mode 0600 (its folder, when created, 0700), replacing it at once:
     * the secret is never in a file others can read, not even for a moment.
     */
    public static void write(Path file, Settings settings) {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path temp = posix
                    ? Files.createTempFile(dir, ".config-", ".toml", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".config-", ".toml");
            try {
                Files.writeString(temp, HEADER + TOML.writeValueAsString(settings), StandardCharsets.UTF_8);
                try {
                    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("cannot write the config file " + file + ": " + e.getFile() + " is in the way", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the config file " + file + ": " + e.getMessage(), e);
        }
    }
}
