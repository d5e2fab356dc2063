package org.openmaas.console.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A person who signs in to the console.
 *
 * @param email        lower-cased, unique
 * @param passwordHash null until the user has followed an invite link
 * @param operator     may do everything, in every cloud account
 * @param disabled     may not sign in; their sessions end
 */
public record User(String id, String email, String passwordHash, boolean operator, boolean disabled,
                   Instant createdAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
    }

    public boolean hasPassword() {
        return passwordHash != null;
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", email=" + email + ", operator=" + operator + ", disabled=" + disabled + "]";
    }
}
