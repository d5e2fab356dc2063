package org.openmaas.store;

import java.time.Instant;
import java.util.List;

/** The token-signing keys every instance shares, as private JWKs (protect the database like the keys themselves). */
public final class SigningKeyStore {

    /** @param retiredAt when a newer key took over signing; null for the newest */
    public record StoredKey(String keyId, String privateJwk, Instant createdAt, Instant retiredAt) {
        @Override
        public String toString() {
            return "StoredKey[keyId=" + keyId + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
        }
    }

    private final Database database;

    public SigningKeyStore(Database database) {
        this.database = database;
    }

    /** Every key, the signing one (never retired; the newest of those) first, then the others newest first. */
    public List<StoredKey> keys() {
        return database.withHandle(h -> h.createQuery("""
                        SELECT key_id, private_jwk, created_at, retired_at FROM signing_keys
                        ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, created_at DESC, key_id""")
                .map((rs, ctx) -> new StoredKey(rs.getString(1), rs.getString(2),
                        CredentialStore.instant(rs, "created_at"), CredentialStore.instant(rs, "retired_at")))
                .list());
    }

    /**
     * Adds {@code key} as the newest and retires the others (they keep verifying), in one transaction; keys retired
     * before {@code forgetRetiredBefore} are deleted.
     */
    public void addNewest(String keyId, String privateJwk, Instant now, Instant forgetRetiredBefore) {
        database.useTransaction(h -> {
            h.createUpdate("UPDATE signing_keys SET retired_at = :now WHERE retired_at IS NULL")
                    .bind("now", CredentialStore.utc(now)).execute();
            h.createUpdate("INSERT INTO signing_keys (key_id, private_jwk, created_at) VALUES (:id, :jwk, :now)")
                    .bind("id", keyId).bind("jwk", privateJwk).bind("now", CredentialStore.utc(now)).execute();
            h.createUpdate("DELETE FROM signing_keys WHERE retired_at < :before")
                    .bind("before", CredentialStore.utc(forgetRetiredBefore)).execute();
        });
    }

    /** Adds the first key unless one exists already (two instances starting at once on an empty store). */
    public void addIfNone(String keyId, String privateJwk, Instant now) {
        database.useTransaction(h -> {
            long count = h.createQuery("SELECT COUNT(*) FROM signing_keys").mapTo(Long.class).one();
            if (count == 0) {
                h.createUpdate("INSERT INTO signing_keys (key_id, private_jwk, created_at) VALUES (:id, :jwk, :now)")
                        .bind("id", keyId).bind("jwk", privateJwk).bind("now", CredentialStore.utc(now)).execute();
            }
        });
    }
}
