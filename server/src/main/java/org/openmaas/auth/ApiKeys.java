package org.openmaas.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openmaas.accounts.model.ApiKey;
import org.openmaas.store.ApiKeyStore;

/**
 * API keys: static bearer credentials ({@code sk-} and 43 URL-safe characters, 256 random bits) for tools that take a
 * key but cannot run the client-credentials flow. A key acts as its client, in its client's cloud account, with the
 * {@code inference} scope only (when the client holds it).
 *
 * <p>Only a SHA-256 of each key is stored: a fast hash is enough for a key with 256 bits of entropy (nothing to guess),
 * and it is computed on every request. A key is found by its first {@value #PREFIX_LENGTH} characters, then its hash
 * is compared in constant time. What the store says about a key (revoked, its client revoked) is cached for
 * {@link #TTL}, like a client's status for tokens: a revocation takes effect at once on the instance that made it and
 * within that time on every other one.
 */
public final class ApiKeys {

    public static final String KEY_PREFIX = "sk-";
    public static final Duration TTL = ClientStatus.TTL;
    static final int PREFIX_LENGTH = 12;
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key: {@code secret} is shown to its creator once and kept nowhere. */
    public record Created(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Created[key=" + key + "]";
        }
    }

    private record Cached(ApiKey key, Instant checkedAt) {
    }

    private final ApiKeyStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> byHash = new ConcurrentHashMap<>();

    public ApiKeys(ApiKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Whether a bearer credential is meant as an API key rather than an access token. */
    public static boolean isApiKey(String credential) {
        return credential.startsWith(KEY_PREFIX);
    }

    public Created create(String clientId, String name) {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        String secret = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        byte[] idBytes = new byte[12];
        RANDOM.nextBytes(idBytes);
        String id = "key_" + HexFormat.of().formatHex(idBytes);
        Instant now = clock.instant();
        store.insert(id, clientId, name, prefix(secret), hash(secret), now);
        ApiKey key = store.findById(id).orElseThrow(() -> new IllegalStateException("the new API key " + id + " was not stored"));
        return new Created(key, secret);
    }

    /** Every key of the client, revoked ones included. */
    public List<ApiKey> list(String clientId) {
        return store.listForClient(clientId);
    }

    /** Revokes a key of the client; false when it has no such key, or it was revoked already. */
    public boolean revoke(String clientId, String keyId) {
        boolean revoked = store.revoke(clientId, keyId, clock.instant());
        byHash.values().removeIf(c -> c.key().id().equals(keyId));
        return revoked;
    }

    /** The caller behind an API key; {@link InvalidTokenException} says why a key is refused. */
    public Principal verify(String secret) {
        String hash = hash(secret);
        Instant now = clock.instant();
        Cached cached = byHash.get(hash);
        if (cached == null || !now.isBefore(cached.checkedAt().plus(TTL))) {
            cached = lookUp(secret, hash, now);
            if (cached == null) {
                throw new InvalidTokenException("the API key is not valid; create one with POST /v1/api-keys");
            }
            byHash.put(hash, cached);
        }
        ApiKey key = cached.key();
        if (key.revokedAt() != null) {
            throw new InvalidTokenException("the API key " + key.prefix() + "... is revoked");
        }
        if (!key.clientActive()) {
            throw new InvalidTokenException("client " + key.clientId() + " of this API key is revoked");
        }
        Set<String> scopes = key.clientScopes().contains(Scopes.INFERENCE) ? Set.of(Scopes.INFERENCE) : Set.of();
        return new Principal(key.clientId(), key.cloudAccountId(), scopes);
    }

    /** The stored key whose hash matches, compared in constant time; null when there is none. */
    private Cached lookUp(String secret, String hash, Instant now) {
        if (secret.length() < PREFIX_LENGTH) {
            return null;
        }
        byte[] wanted = hash.getBytes(StandardCharsets.US_ASCII);
        for (ApiKey candidate : store.findByPrefix(prefix(secret))) {
            if (MessageDigest.isEqual(wanted, candidate.keyHash().getBytes(StandardCharsets.US_ASCII))) {
                if (candidate.usable()) {
                    store.recordUse(candidate.id(), now); // at most once per TTL per key, as the cache refreshes
                }
                return new Cached(candidate, now);
            }
        }
        return null;
    }

    private static String prefix(String secret) {
        return secret.substring(0, Math.min(PREFIX_LENGTH, secret.length()));
    }

    static String hash(String secret) {
        return SecretHasher.sha256(secret);
    }
}
