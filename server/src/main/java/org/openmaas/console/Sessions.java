package org.openmaas.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.openmaas.auth.SecretHasher;
import org.openmaas.console.model.Session;
import org.openmaas.console.model.User;
import org.openmaas.store.SessionStore;
import org.openmaas.store.UserStore;

/**
 * Signed-in browsers. A session's id (the cookie's value) carries 256 random bits and the store keeps only its
 * SHA-256, so every instance knows every session and a copy of the table signs nobody in. A session ends when it
 * has not been used for the idle timeout, at its absolute lifetime however much it is used, when its user signs out
 * (of it, or everywhere), follows an invite link or is disabled.
 */
public final class Sessions {

    /** Uses closer together than this move the idle expiry once: a page's burst of calls costs one write. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    /** A new session: {@code id} goes into the cookie and is kept nowhere else. */
    public record Started(String id, Session session) {
        @Override
        public String toString() {
            return "Started[session=" + session + "]";
        }
    }

    /** A live session with its user as they are now. */
    public record Current(Session session, User user) {
    }

    private final SessionStore sessions;
    private final UserStore users;
    private final ConsoleSettings settings;
    private final Clock clock;

    public Sessions(SessionStore sessions, UserStore users, ConsoleSettings settings, Clock clock) {
        this.sessions = sessions;
        this.users = users;
        this.settings = settings;
        this.clock = clock;
    }

    public ConsoleSettings settings() {
        return settings;
    }

    public Started start(User user) {
        String id = SecretHasher.newSecret();
        Instant now = clock.instant();
        Instant expires = now.plus(settings.sessionLifetime());
        Session session = new Session(SecretHasher.sha256(id), user.id(), SecretHasher.newSecret(), now, now,
                min(now.plus(settings.idleTimeout()), expires), expires);
        sessions.insert(session);
        return new Started(id, session);
    }

    /** The session whose id this is, if it is live and its user may still sign in; its use is recorded. */
    public Optional<Current> current(String id) {
        Instant now = clock.instant();
        Optional<Session> found = sessions.find(SecretHasher.sha256(id));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Session session = found.get();
        Optional<User> user = users.findUser(session.userId()).filter(u -> !u.disabled());
        if (!session.liveAt(now) || user.isEmpty()) {
            sessions.delete(session.idHash());
            return Optional.empty();
        }
        if (!now.isBefore(session.lastSeenAt().plus(TOUCH_EVERY))) {
            Instant idle = min(now.plus(settings.idleTimeout()), session.expiresAt());
            sessions.touch(session.idHash(), now, idle);
            session = new Session(session.idHash(), session.userId(), session.csrfToken(), session.createdAt(), now,
                    idle, session.expiresAt());
        }
        return Optional.of(new Current(session, user.get()));
    }

    public void end(Session session) {
        sessions.delete(session.idHash());
    }

    /** Ends every session of the user, on every instance. */
    public void endAll(String userId) {
        sessions.deleteForUser(userId);
    }

    /** Forgets sessions that have ended. */
    public void housekeeping() {
        sessions.deleteEnded(clock.instant());
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
