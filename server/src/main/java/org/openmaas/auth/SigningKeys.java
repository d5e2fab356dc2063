package org.openmaas.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.UUID;

/**
 * The ES256 key that signs access tokens, persisted in the data directory (mode 0600) so tokens survive a restart.
 */
public final class SigningKeys {

    private final ECKey key;

    private SigningKeys(ECKey key) {
        this.key = key;
    }

    public static SigningKeys loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                JWKSet set = JWKSet.parse(Files.readString(file));
                if (set.getKeys().isEmpty() || !(set.getKeys().getFirst() instanceof ECKey ec) || !ec.isPrivate()) {
                    throw new IllegalStateException(file + " holds no private EC signing key; move it away to create a new one");
                }
                return new SigningKeys(ec);
            }
            ECKey created = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
                    .keyID(UUID.randomUUID().toString()).generate();
            writePrivate(file, new JWKSet(created).toString(false));
            return new SigningKeys(created);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the signing key " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set: " + e.getMessage(), e);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    ECKey key() {
        return key;
    }

    /** Writes {@code content} readable by the owner only, atomically, so a crash never leaves half a secret. */
    static void writePrivate(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
