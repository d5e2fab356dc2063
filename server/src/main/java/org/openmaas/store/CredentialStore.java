package org.openmaas.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Cloud accounts and their API clients. Secrets arrive here already hashed. */
public final class CredentialStore {

    private final Database database;

    public CredentialStore(Database database) {
        this.database = database;
    }

    public boolean hasAnyClient() {
        return database.jdbi().withHandle(h ->
                h.createQuery("SELECT COUNT(*) FROM clients").mapTo(Long.class).one()) > 0;
    }

    public void createAccount(String id, String name, Instant now) {
        database.jdbi().useHandle(h -> h.createUpdate(
                        "INSERT INTO cloud_accounts (id, name, status, created_at) VALUES (:id, :name, 'active', :now)")
                .bind("id", id).bind("name", name).bind("now", utc(now)).execute());
    }

    public boolean accountExists(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM cloud_accounts WHERE id = :id")
                .bind("id", id).mapTo(Long.class).one()) > 0;
    }

    public void createClient(StoredClient client, Instant now) {
        database.jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO clients (client_id, cloud_account_id, name, secret_hash, scopes, status, created_at)
                        VALUES (:clientId, :account, :name, :hash, :scopes, :status, :now)""")
                .bind("clientId", client.clientId())
                .bind("account", client.cloudAccountId())
                .bind("name", client.name())
                .bind("hash", client.secretHash())
                .bind("scopes", String.join(" ", client.scopes()))
                .bind("status", client.active() ? "active" : "revoked")
                .bind("now", utc(now))
                .execute());
    }

    public Optional<StoredClient> findClient(String clientId) {
        return database.jdbi().withHandle(h -> h.createQuery("""
                        SELECT c.client_id, c.cloud_account_id, c.name, c.secret_hash, c.scopes, c.status, a.status
                        FROM clients c JOIN cloud_accounts a ON a.id = c.cloud_account_id
                        WHERE c.client_id = :clientId""")
                .bind("clientId", clientId)
                .map((rs, ctx) -> new StoredClient(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        java.util.Set.of(rs.getString(5).split(" ")),
                        "active".equals(rs.getString(6)) && "active".equals(rs.getString(7))))
                .findOne());
    }

    public void recordUse(String clientId, Instant now) {
        database.jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE clients SET last_used_at = :now WHERE client_id = :clientId")
                .bind("clientId", clientId).bind("now", utc(now)).execute());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
