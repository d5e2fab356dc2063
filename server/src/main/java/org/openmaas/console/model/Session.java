package org.openmaas.console.model;

import java.time.Instant;

/**
 * A signed-in browser, as the store keeps it: never its id, only the id's SHA-256.
 *
 * @param csrfToken     what the session's pages send back in {@code X-CSRF-Token} with every change they make
 * @param idleExpiresAt when it ends unless used before: moved on by use
 * @param expiresAt     when it ends however much it is used
 */
public record Session(String idHash, String userId, String csrfToken, Instant createdAt, Instant lastSeenAt,
                      Instant idleExpiresAt, Instant expiresAt) {

    /** Whether it still signs its user in at {@code now}. */
    public boolean liveAt(Instant now) {
        return now.isBefore(idleExpiresAt) && now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "Session[userId=" + userId + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + "]";
    }
}
