package org.openmaas.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.statement.StatementContext;
import org.openmaas.accounts.model.ApiKey;

/** API keys of clients. Keys arrive here already hashed. */
public final class ApiKeyStore {

    private static final String SELECT = """
            SELECT k.id, k.client_id, c.cloud_account_id, k.name, k.prefix, k.key_hash, k.created_at,
                   k.last_used_at, k.revoked_at, c.scopes, c.status, a.status
            FROM api_keys k
            JOIN clients c ON c.client_id = k.client_id
            JOIN cloud_accounts a ON a.id = c.cloud_account_id
            """;

    private final Database database;

    public ApiKeyStore(Database database) {
        this.database = database;
    }

    public void insert(String id, String clientId, String name, String prefix, String keyHash, Instant now) {
        database.useHandle(h -> h.createUpdate("""
                        INSERT INTO api_keys (id, client_id, name, prefix, key_hash, created_at)
                        VALUES (:id, :clientId, :name, :prefix, :hash, :now)""")
                .bind("id", id).bind("clientId", clientId).bind("name", name).bind("prefix", prefix)
                .bind("hash", keyHash).bind("now", utc(now))
                .execute());
    }

    public Optional<ApiKey> findById(String id) {
        return database.withHandle(h -> h.createQuery(SELECT + "WHERE k.id = :id")
                .bind("id", id).map(ApiKeyStore::row).findOne());
    }

    /** The keys whose first characters are {@code prefix}: almost always one, or none. */
    public List<ApiKey> findByPrefix(String prefix) {
        return database.withHandle(h -> h.createQuery(SELECT + "WHERE k.prefix = :prefix")
                .bind("prefix", prefix).map(ApiKeyStore::row).list());
    }

    /** Every key of {@code clientId}, revoked ones included, oldest first. */
    public List<ApiKey> listForClient(String clientId) {
        return database.withHandle(h -> h.createQuery(SELECT + "WHERE k.client_id = :clientId ORDER BY k.created_at, k.id")
                .bind("clientId", clientId).map(ApiKeyStore::row).list());
    }

    /** Revokes key {@code id} of {@code clientId}; false when the client has no such key or it was revoked already. */
    public boolean revoke(String clientId, String id, Instant now) {
        return database.withHandle(h -> h.createUpdate("""
                        UPDATE api_keys SET revoked_at = :now
                        WHERE id = :id AND client_id = :clientId AND revoked_at IS NULL""")
                .bind("id", id).bind("clientId", clientId).bind("now", utc(now)).execute()) > 0;
    }

    public void recordUse(String id, Instant now) {
        database.useHandle(h -> h.createUpdate("UPDATE api_keys SET last_used_at = :now WHERE id = :id")
                .bind("id", id).bind("now", utc(now)).execute());
    }

    private static ApiKey row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), instant(rs, 7), instant(rs, 8), instant(rs, 9), Set.of(rs.getString(10).split(" ")),
                "active".equals(rs.getString(11)) && "active".equals(rs.getString(12)));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
