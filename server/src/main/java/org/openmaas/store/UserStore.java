package org.openmaas.store;

import static org.openmaas.store.CredentialStore.instant;
import static org.openmaas.store.CredentialStore.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.console.model.Membership;
import org.openmaas.console.model.Role;
import org.openmaas.console.model.User;

/** The console's users, their memberships of cloud accounts and their invite links. Secrets arrive here hashed. */
public final class UserStore {

    private static final String USER_COLUMNS = "id, email, password_hash, operator, disabled, created_at";
    private static final String MEMBERSHIPS = """
            SELECT m.user_id, u.email, m.cloud_account_id, a.name, m.role
            FROM console_memberships m
            JOIN console_users u ON u.id = m.user_id
            JOIN cloud_accounts a ON a.id = m.cloud_account_id
            """;

    private final Database database;

    public UserStore(Database database) {
        this.database = database;
    }

    /** @throws AccountsException.AlreadyExists when a user has this email */
    public void createUser(String id, String email, boolean operator, Instant now) {
        try {
            database.useHandle(h -> h.createUpdate("""
                            INSERT INTO console_users (id, email, operator, created_at)
                            VALUES (:id, :email, :operator, :now)""")
                    .bind("id", id).bind("email", email).bind("operator", operator).bind("now", utc(now)).execute());
        } catch (RuntimeException e) {
            throw Database.isDuplicate(e) ? new AccountsException.AlreadyExists("a user with email '" + email
                    + "' already exists") : e;
        }
    }

    public Optional<User> findUser(String id) {
        return database.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM console_users WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> user(rs)).findOne());
    }

    public Optional<User> findUserByEmail(String email) {
        return database.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS
                        + " FROM console_users WHERE email = :email")
                .bind("email", email).map((rs, ctx) -> user(rs)).findOne());
    }

    /** Every user, by email. */
    public List<User> listUsers() {
        return database.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM console_users ORDER BY email")
                .map((rs, ctx) -> user(rs)).list());
    }

    public boolean hasOperator() {
        return database.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM console_users WHERE operator = TRUE")
                .mapTo(Long.class).one()) > 0;
    }

    public void setPassword(String userId, String passwordHash) {
        database.useHandle(h -> h.createUpdate("UPDATE console_users SET password_hash = :hash WHERE id = :id")
                .bind("id", userId).bind("hash", passwordHash).execute());
    }

    /** Changes the operator flag and/or whether the user is disabled (null leaves it). @return false: no such user */
    public boolean updateUser(String userId, Boolean operator, Boolean disabled) {
        return database.withHandle(h -> h.createUpdate("""
                        UPDATE console_users SET operator = COALESCE(:operator, operator),
                            disabled = COALESCE(:disabled, disabled)
                        WHERE id = :id""")
                .bind("id", userId).bind("operator", operator).bind("disabled", disabled).execute()) == 1;
    }

    // ---- memberships

    /** Makes the user a member of the account with {@code role}, or changes the role they have there. */
    public void putMembership(String userId, String accountId, Role role, Instant now) {
        database.useHandle(h -> {
            int changed = h.createUpdate("""
                            UPDATE console_memberships SET role = :role
                            WHERE user_id = :user AND cloud_account_id = :account""")
                    .bind("user", userId).bind("account", accountId).bind("role", role.label()).execute();
            if (changed == 0) {
                h.createUpdate("""
                                INSERT INTO console_memberships (user_id, cloud_account_id, role, created_at)
                                VALUES (:user, :account, :role, :now)""")
                        .bind("user", userId).bind("account", accountId).bind("role", role.label())
                        .bind("now", utc(now)).execute();
            }
        });
    }

    /** @return false when the user was not a member */
    public boolean removeMembership(String userId, String accountId) {
        return database.withHandle(h -> h.createUpdate(
                        "DELETE FROM console_memberships WHERE user_id = :user AND cloud_account_id = :account")
                .bind("user", userId).bind("account", accountId).execute()) == 1;
    }

    /** The accounts a user belongs to, by account id. */
    public List<Membership> membershipsOf(String userId) {
        return database.withHandle(h -> h.createQuery(MEMBERSHIPS + "WHERE m.user_id = :user ORDER BY m.cloud_account_id")
                .bind("user", userId).map((rs, ctx) -> membership(rs)).list());
    }

    /** The members of an account, by email. */
    public List<Membership> membersOf(String accountId) {
        return database.withHandle(h -> h.createQuery(MEMBERSHIPS + "WHERE m.cloud_account_id = :account ORDER BY u.email")
                .bind("account", accountId).map((rs, ctx) -> membership(rs)).list());
    }

    // ---- invites

    public void createInvite(String tokenHash, String userId, Instant now, Instant expiresAt) {
        database.useHandle(h -> h.createUpdate("""
                        INSERT INTO console_invites (token_hash, user_id, created_at, expires_at)
                        VALUES (:hash, :user, :now, :expires)""")
                .bind("hash", tokenHash).bind("user", userId).bind("now", utc(now)).bind("expires", utc(expiresAt))
                .execute());
    }

    /**
     * Marks an invite used, once: one conditional update, so of two concurrent acceptances only one wins.
     *
     * @return the invited user; empty when there is no such invite, or it was used or has expired
     */
    public Optional<String> useInvite(String tokenHash, Instant now) {
        return database.inTransaction(h -> {
            int used = h.createUpdate("""
                            UPDATE console_invites SET used_at = :now
                            WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now""")
                    .bind("hash", tokenHash).bind("now", utc(now)).execute();
            if (used == 0) {
                return Optional.empty();
            }
            return h.createQuery("SELECT user_id FROM console_invites WHERE token_hash = :hash")
                    .bind("hash", tokenHash).mapTo(String.class).findOne();
        });
    }

    /** Forgets invites that expired before {@code before}, used or not. */
    public int forgetInvitesExpiredBefore(Instant before) {
        return database.withHandle(h -> h.createUpdate("DELETE FROM console_invites WHERE expires_at < :before")
                .bind("before", utc(before)).execute());
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("email"), rs.getString("password_hash"),
                rs.getBoolean("operator"), rs.getBoolean("disabled"), instant(rs, "created_at"));
    }

    private static Membership membership(ResultSet rs) throws SQLException {
        return new Membership(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Role.of("role", rs.getString(5)));
    }
}
