package org.openmaas.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.Client;
import org.openmaas.accounts.model.ClientLimits;
import org.openmaas.accounts.model.CloudAccount;
import org.openmaas.accounts.model.ProductGrants;

/**
 * Cloud accounts, their API clients and entitlements. Secrets arrive here already hashed. Every change is one
 * statement (or one transaction), so concurrent changes to one row never leave it half-updated.
 */
public final class CredentialStore {

    private static final String CLIENT_COLUMNS = """
            c.client_id, c.cloud_account_id, c.name, c.secret_hash, c.previous_secret_hash,
            c.previous_secret_expires_at, c.scopes, c.status, a.status AS account_status, c.requests_per_minute,
            c.generated_tokens_per_minute, c.concurrent_streams, c.created_at, c.last_used_at, c.version""";
    private static final String ACCOUNT_COLUMNS =
            "id, name, status, all_products, monthly_generated_tokens, created_at";

    private final Database database;

    public CredentialStore(Database database) {
        this.database = database;
    }

    // ---- accounts

    public boolean hasAnyClient() {
        return database.withHandle(h ->
                h.createQuery("SELECT COUNT(*) FROM clients").mapTo(Long.class).one()) > 0;
    }

    /** @throws AccountsException.AlreadyExists when the id or the name is taken */
    public void createAccount(String id, String name, Instant now) {
        try {
            database.useHandle(h -> h.createUpdate(
                            "INSERT INTO cloud_accounts (id, name, status, created_at) VALUES (:id, :name, 'active', :now)")
                    .bind("id", id).bind("name", name).bind("now", utc(now)).execute());
        } catch (RuntimeException e) {
            throw duplicateOr(e, "a cloud account with id " + id + " or name '" + name + "' already exists");
        }
    }

    public boolean accountExists(String id) {
        return findAccount(id).isPresent();
    }

    public boolean accountNameTaken(String name) {
        return database.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM cloud_accounts WHERE name = :name")
                .bind("name", name).mapTo(Long.class).one()) > 0;
    }

    public Optional<CloudAccount> findAccount(String id) {
        return database.withHandle(h -> h.createQuery("SELECT " + ACCOUNT_COLUMNS + " FROM cloud_accounts WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> account(rs)).findOne());
    }

    public List<CloudAccount> listAccounts() {
        return database.withHandle(h -> h.createQuery("SELECT " + ACCOUNT_COLUMNS + " FROM cloud_accounts ORDER BY id")
                .map((rs, ctx) -> account(rs)).list());
    }

    /**
     * Changes an account's name and/or status (null leaves a field as it is).
     *
     * @return false when there is no such account
     * @throws AccountsException.AlreadyExists when the new name is taken
     */
    public boolean updateAccount(String id, String name, String status) {
        try {
            return database.withHandle(h -> h.createUpdate("""
                            UPDATE cloud_accounts SET name = COALESCE(:name, name), status = COALESCE(:status, status)
                            WHERE id = :id""")
                    .bind("id", id).bind("name", name).bind("status", status).execute()) == 1;
        } catch (RuntimeException e) {
            throw duplicateOr(e, "a cloud account named '" + name + "' already exists");
        }
    }

    /** @return false when there is no such account */
    public boolean setMonthlyQuota(String id, Long monthlyGeneratedTokens) {
        return database.withHandle(h -> h.createUpdate(
                        "UPDATE cloud_accounts SET monthly_generated_tokens = :quota WHERE id = :id")
                .bind("id", id).bind("quota", monthlyGeneratedTokens).execute()) == 1;
    }

    // ---- entitlements: the products an account may use

    public Optional<ProductGrants> grants(String accountId) {
        return database.withHandle(h -> {
            Optional<Boolean> all = h.createQuery("SELECT all_products FROM cloud_accounts WHERE id = :id")
                    .bind("id", accountId).mapTo(Boolean.class).findOne();
            if (all.isEmpty()) {
                return Optional.empty();
            }
            Set<String> products = new TreeSet<>(h.createQuery(
                            "SELECT product_name FROM entitlements WHERE cloud_account_id = :id")
                    .bind("id", accountId).mapTo(String.class).list());
            return Optional.of(new ProductGrants(all.get(), products));
        });
    }

    /** Replaces an account's grants in one transaction. @return false when there is no such account */
    public boolean setGrants(String accountId, ProductGrants grants) {
        return database.inTransaction(h -> {
            // The account row is locked first, so concurrent replacements apply one after the other.
            int updated = h.createUpdate("UPDATE cloud_accounts SET all_products = :all WHERE id = :id")
                    .bind("id", accountId).bind("all", grants.allProducts()).execute();
            if (updated == 0) {
                return false;
            }
            h.createUpdate("DELETE FROM entitlements WHERE cloud_account_id = :id").bind("id", accountId).execute();
            for (String product : grants.products()) {
                h.createUpdate("INSERT INTO entitlements (cloud_account_id, product_name) VALUES (:id, :product)")
                        .bind("id", accountId).bind("product", product).execute();
            }
            return true;
        });
    }

    // ---- clients

    /** @throws AccountsException.AlreadyExists when the client id, or the name within its account, is taken */
    public void createClient(Client client, Instant now) {
        try {
            database.useHandle(h -> h.createUpdate("""
                            INSERT INTO clients (client_id, cloud_account_id, name, secret_hash, scopes, status, created_at)
                            VALUES (:clientId, :account, :name, :hash, :scopes, :status, :now)""")
                    .bind("clientId", client.clientId())
                    .bind("account", client.cloudAccountId())
                    .bind("name", client.name())
                    .bind("hash", client.secretHash())
                    .bind("scopes", String.join(" ", new TreeSet<>(client.scopes())))
                    .bind("status", client.status())
                    .bind("now", utc(now))
                    .execute());
        } catch (RuntimeException e) {
            throw duplicateOr(e, "a client with id '" + client.clientId() + "' or named '" + client.name()
                    + "' in cloud account " + client.cloudAccountId() + " already exists");
        }
    }

    public Optional<Client> findClient(String clientId) {
        return database.withHandle(h -> clientQuery(h, "WHERE c.client_id = :clientId")
                .bind("clientId", clientId).map((rs, ctx) -> client(rs)).findOne());
    }

    /** Every client, or those of one account when {@code accountId} is not null, by id. */
    public List<Client> listClients(String accountId) {
        return database.withHandle(h -> clientQuery(h,
                        accountId == null ? "ORDER BY c.client_id" : "WHERE c.cloud_account_id = :account ORDER BY c.client_id")
                .bind("account", accountId).map((rs, ctx) -> client(rs)).list());
    }

    /**
     * Changes a client's name and/or scopes (null leaves a field as it is).
     *
     * @return false when there is no such client
     * @throws AccountsException.AlreadyExists when its account has another client of that name
     */
    public boolean updateClient(String clientId, String name, Set<String> scopes) {
        try {
            return database.withHandle(h -> h.createUpdate("""
                            UPDATE clients SET name = COALESCE(:name, name), scopes = COALESCE(:scopes, scopes),
                                version = version + 1
                            WHERE client_id = :clientId""")
                    .bind("clientId", clientId).bind("name", name)
                    .bind("scopes", scopes == null ? null : String.join(" ", new TreeSet<>(scopes)))
                    .execute()) == 1;
        } catch (RuntimeException e) {
            throw duplicateOr(e, "the client's cloud account already has a client named '" + name + "'");
        }
    }

    /** Revokes a client for good. @return false when there is no such client */
    public boolean revokeClient(String clientId, Instant now) {
        return database.withHandle(h -> h.createUpdate("""
                        UPDATE clients SET status = 'revoked', revoked_at = COALESCE(revoked_at, :now), version = version + 1
                        WHERE client_id = :clientId""")
                .bind("clientId", clientId).bind("now", utc(now)).execute()) == 1;
    }

    /**
     * Replaces the secret of a client still at {@code expectedVersion}; its current secret keeps working until
     * {@code previousExpiresAt}.
     *
     * @return false when the client changed meanwhile (or does not exist): nothing was written
     */
    public boolean rotateSecret(String clientId, long expectedVersion, String newHash, Instant previousExpiresAt,
                                Instant now) {
        // The version is read under the row lock and compared here: a plain "UPDATE ... WHERE version = :v" is not
        // re-checked after a lock wait on H2, so two concurrent rotations could both apply.
        return database.inTransaction(h -> {
            Optional<Long> version = h.createQuery("SELECT version FROM clients WHERE client_id = :clientId FOR UPDATE")
                    .bind("clientId", clientId).mapTo(Long.class).findOne();
            if (version.isEmpty() || version.get() != expectedVersion) {
                return false;
            }
            return h.createUpdate("""
                            UPDATE clients SET previous_secret_hash = secret_hash, previous_secret_expires_at = :expires,
                                secret_hash = :hash, secret_rotated_at = :now, version = version + 1
                            WHERE client_id = :clientId""")
                    .bind("clientId", clientId).bind("hash", newHash)
                    .bind("expires", utc(previousExpiresAt)).bind("now", utc(now)).execute() == 1;
        });
    }

    /** @return false when there is no such client */
    public boolean setClientLimits(String clientId, ClientLimits limits) {
        return database.withHandle(h -> h.createUpdate("""
                        UPDATE clients SET requests_per_minute = :rpm, generated_tokens_per_minute = :tpm,
                            concurrent_streams = :streams, version = version + 1
                        WHERE client_id = :clientId""")
                .bind("clientId", clientId).bind("rpm", limits.requestsPerMinute())
                .bind("tpm", limits.generatedTokensPerMinute()).bind("streams", limits.concurrentStreams())
                .execute()) == 1;
    }

    public void recordUse(String clientId, Instant now) {
        database.useHandle(h -> h.createUpdate(
                        "UPDATE clients SET last_used_at = :now WHERE client_id = :clientId")
                .bind("clientId", clientId).bind("now", utc(now)).execute());
    }

    private static Query clientQuery(Handle h, String where) {
        return h.createQuery("SELECT " + CLIENT_COLUMNS
                + " FROM clients c JOIN cloud_accounts a ON a.id = c.cloud_account_id " + where);
    }

    private static Client client(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        return new Client(rs.getString("client_id"), rs.getString("cloud_account_id"), rs.getString("name"),
                rs.getString("secret_hash"), rs.getString("previous_secret_hash"),
                instant(rs, "previous_secret_expires_at"),
                new LinkedHashSet<>(Arrays.asList(rs.getString("scopes").split(" "))), status,
                Client.ACTIVE.equals(status) && CloudAccount.ACTIVE.equals(rs.getString("account_status")),
                new ClientLimits(integer(rs, "requests_per_minute"), integer(rs, "generated_tokens_per_minute"),
                        integer(rs, "concurrent_streams")),
                instant(rs, "created_at"), instant(rs, "last_used_at"), rs.getLong("version"));
    }

    private static CloudAccount account(ResultSet rs) throws SQLException {
        Long quota = bigint(rs, "monthly_generated_tokens");
        return new CloudAccount(rs.getString("id"), rs.getString("name"), rs.getString("status"),
                rs.getBoolean("all_products"), quota, instant(rs, "created_at"));
    }

    private static RuntimeException duplicateOr(RuntimeException e, String message) {
        return Database.isDuplicate(e) ? new AccountsException.AlreadyExists(message) : e;
    }

    static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    static Long bigint(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Both databases keep microseconds and would round finer instants: truncate, so what is read is what was meant. */
    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
