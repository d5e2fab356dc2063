package org.openmaas.store;

import static org.openmaas.store.CredentialStore.instant;
import static org.openmaas.store.CredentialStore.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.openmaas.console.model.Session;

/** Console sessions, shared by every instance on the store; found by the SHA-256 of their id. */
public final class SessionStore {

    private static final String COLUMNS =
            "id_hash, user_id, csrf_token, created_at, last_seen_at, idle_expires_at, expires_at";

    private final Database database;

    public SessionStore(Database database) {
        this.database = database;
    }

    public void insert(Session s) {
        database.useHandle(h -> h.createUpdate("INSERT INTO console_sessions (" + COLUMNS + ") VALUES "
                        + "(:idHash, :userId, :csrf, :created, :seen, :idle, :expires)")
                .bind("idHash", s.idHash()).bind("userId", s.userId()).bind("csrf", s.csrfToken())
                .bind("created", utc(s.createdAt())).bind("seen", utc(s.lastSeenAt()))
                .bind("idle", utc(s.idleExpiresAt())).bind("expires", utc(s.expiresAt())).execute());
    }

    public Optional<Session> find(String idHash) {
        return database.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM console_sessions WHERE id_hash = :id")
                .bind("id", idHash).map((rs, ctx) -> session(rs)).findOne());
    }

    /** Records a use: the idle expiry moves on (never past the absolute one, which the reader checks anyway). */
    public void touch(String idHash, Instant lastSeen, Instant idleExpiresAt) {
        database.useHandle(h -> h.createUpdate("""
                        UPDATE console_sessions SET last_seen_at = :seen, idle_expires_at = :idle WHERE id_hash = :id""")
                .bind("id", idHash).bind("seen", utc(lastSeen)).bind("idle", utc(idleExpiresAt)).execute());
    }

    public void delete(String idHash) {
        database.useHandle(h -> h.createUpdate("DELETE FROM console_sessions WHERE id_hash = :id")
                .bind("id", idHash).execute());
    }

    /** Ends every session of a user. @return how many there were */
    public int deleteForUser(String userId) {
        return database.withHandle(h -> h.createUpdate("DELETE FROM console_sessions WHERE user_id = :user")
                .bind("user", userId).execute());
    }

    /** Forgets sessions that ended (idle or absolute) before {@code now}. */
    public int deleteEnded(Instant now) {
        return database.withHandle(h -> h.createUpdate(
                        "DELETE FROM console_sessions WHERE idle_expires_at <= :now OR expires_at <= :now")
                .bind("now", utc(now)).execute());
    }

    private static Session session(ResultSet rs) throws SQLException {
        return new Session(rs.getString("id_hash"), rs.getString("user_id"), rs.getString("csrf_token"),
                instant(rs, "created_at"), instant(rs, "last_seen_at"), instant(rs, "idle_expires_at"),
                instant(rs, "expires_at"));
    }
}
