package org.openmaas.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.openmaas.store.SigningKeyStore;
import org.openmaas.store.SigningKeyStore.StoredKey;

/**
 * The ES256 keys that sign access tokens, kept in the store so that every instance signs and verifies with the same
 * ones. Each key has an id (the JWT's {@code kid}): the newest signs; every key verifies the tokens it signed until
 * they have all expired (its retirement plus the token lifetime), so rotating never invalidates a live token.
 *
 * <p>Each instance holds the keys in memory and reloads them every {@link #REFRESH}, and at once when a token names a
 * key it does not know (a rotation on another instance).
 */
public final class SigningKeys {

    static final Duration REFRESH = Duration.ofSeconds(10);
    /** Reloads for unknown key ids are this far apart at least, so tokens with made-up key ids cannot flood the store. */
    private static final long MIN_RELOAD_GAP_NANOS = Duration.ofMillis(50).toNanos();
    private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

    /** What an operator may see of a key: never its private part. */
    public record KeyInfo(String keyId, Instant createdAt, Instant retiredAt, Instant verifiesUntil, boolean signing) {
    }

    private record Verifying(ECDSAVerifier verifier, Instant until) {
    }

    private record Ring(String signingKeyId, ECDSASigner signer, Map<String, Verifying> verifiers, Instant loadedAt) {
    }

    private final SigningKeyStore store;
    private final Clock clock;
    private volatile Ring ring;
    private long lastReloadStartNanos = System.nanoTime() - MIN_RELOAD_GAP_NANOS;

    private SigningKeys(SigningKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The store's keys; on a store without any, the key file of older versions ({@code legacyFile}) when it exists,
     * so tokens they issued stay valid, else a new key.
     */
    public static SigningKeys open(SigningKeyStore store, Path legacyFile, Clock clock) {
        if (store.keys().isEmpty()) {
            ECKey first = Files.exists(legacyFile) ? readLegacy(legacyFile) : generate();
            store.addIfNone(first.getKeyID(), first.toJSONString(), clock.instant());
        }
        SigningKeys keys = new SigningKeys(store, clock);
        keys.reload();
        return keys;
    }

    /** A new signing key; the others keep verifying their tokens until those expire. @return its key id */
    public String rotate() {
        ECKey key = generate();
        Instant now = clock.instant();
        store.addNewest(key.getKeyID(), key.toJSONString(), now, now.minus(TokenService.LIFETIME).minus(Duration.ofHours(1)));
        reload();
        LOG.info("token signing key rotated: new key id " + key.getKeyID());
        return key.getKeyID();
    }

    public List<KeyInfo> list() {
        Instant now = clock.instant();
        List<StoredKey> keys = store.keys();
        return keys.stream().map(k -> new KeyInfo(k.keyId(), k.createdAt(), k.retiredAt(), verifiesUntil(k),
                        k == keys.getFirst()))
                .filter(k -> k.verifiesUntil() == null || now.isBefore(k.verifiesUntil()))
                .toList();
    }

    String signingKeyId() {
        return current().signingKeyId();
    }

    ECDSASigner signer() {
        return current().signer();
    }

    /** The verifier of key {@code keyId} if that key exists and its tokens may still be live. */
    Optional<ECDSAVerifier> verifier(String keyId) {
        long arrived = System.nanoTime();
        Ring r = current();
        Verifying v = r.verifiers().get(keyId);
        if (v == null) {
            // A key made on another instance after our last load: its token was signed after the key was stored, so
            // a load that starts after this request arrived sees it.
            r = reloadStartedAfter(arrived);
            v = r.verifiers().get(keyId);
        }
        if (v == null || (v.until() != null && !clock.instant().isBefore(v.until()))) {
            return Optional.empty();
        }
        return Optional.of(v.verifier());
    }

    private Ring current() {
        Ring r = ring;
        if (!clock.instant().isBefore(r.loadedAt().plus(REFRESH))) {
            try {
                r = reload();
            } catch (RuntimeException e) {
                // The store is unreachable: keep the keys we have (signing and verifying go on) and try again later.
                LOG.fine("cannot reload the signing keys: " + e.getMessage());
                r = new Ring(r.signingKeyId(), r.signer(), r.verifiers(), clock.instant());
                ring = r;
            }
        }
        return r;
    }

    private synchronized Ring reloadStartedAfter(long arrivedNanos) {
        if (lastReloadStartNanos - arrivedNanos > 0) {
            return ring;
        }
        long wait = lastReloadStartNanos + MIN_RELOAD_GAP_NANOS - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ring;
            }
        }
        return reload();
    }

    private synchronized Ring reload() {
        lastReloadStartNanos = System.nanoTime();
        List<StoredKey> keys = store.keys();
        if (keys.isEmpty()) {
            throw new IllegalStateException("the store holds no signing key");
        }
        Map<String, Verifying> verifiers = new HashMap<>();
        ECDSASigner signer = null;
        try {
            for (StoredKey stored : keys) {
                ECKey key = JWK.parse(stored.privateJwk()).toECKey();
                verifiers.put(stored.keyId(), new Verifying(new ECDSAVerifier(key.toPublicJWK()), verifiesUntil(stored)));
                if (signer == null) {
                    signer = new ECDSASigner(key);
                }
            }
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("a signing key in the store is not an EC P-256 private JWK", e);
        }
        Ring loaded = new Ring(keys.getFirst().keyId(), signer, Map.copyOf(verifiers), clock.instant());
        ring = loaded;
        return loaded;
    }

    private static Instant verifiesUntil(StoredKey key) {
        return key.retiredAt() == null ? null : key.retiredAt().plus(TokenService.LIFETIME);
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    private static ECKey readLegacy(Path file) {
        try {
            JWKSet set = JWKSet.parse(Files.readString(file));
            if (set.getKeys().isEmpty() || !(set.getKeys().getFirst() instanceof ECKey ec) || !ec.isPrivate()) {
                throw new IllegalStateException(file + " holds no private EC signing key; move it away to create a new one");
            }
            LOG.info("imported the signing key of " + file + " into the store; the file is no longer used");
            return ec;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing key " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set: " + e.getMessage(), e);
        }
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
