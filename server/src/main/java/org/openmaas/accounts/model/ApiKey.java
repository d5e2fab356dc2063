package org.openmaas.accounts.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An API key as stored: never the key, only its SHA-256.
 *
 * @param prefix        the key's first characters, safe to show
 * @param clientScopes  the scopes its client holds now
 * @param clientActive  false when its client or the client's cloud account is revoked or suspended
 * @param lastUsedAt    null until first used
 * @param revokedAt     null while the key is valid
 */
public record ApiKey(String id, String clientId, String cloudAccountId, String name, String prefix,
                     String keyHash, Instant createdAt, Instant lastUsedAt, Instant revokedAt,
                     Set<String> clientScopes, boolean clientActive) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(cloudAccountId, "cloudAccountId");
        Objects.requireNonNull(keyHash, "keyHash");
        clientScopes = Set.copyOf(clientScopes);
    }

    /** Whether the key authenticates now: not revoked, and its client and account active. */
    public boolean usable() {
        return revokedAt == null && clientActive;
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", clientId=" + clientId + ", prefix=" + prefix + ", revoked="
                + (revokedAt != null) + "]";
    }
}
