package org.openmaas.console;

import java.time.Instant;
import org.openmaas.console.model.User;

/**
 * A one-time link that lets {@code user} set a password and sign in: {@code /console/invite/<token>}. The token is
 * shown once, to whoever made the invitation, and kept nowhere but in the link.
 */
public record Invitation(User user, String token, Instant expiresAt) {

    public static final String PATH = "/console/invite/";

    /** The link's path on the server, to put after its root URL. */
    public String path() {
        return PATH + token;
    }

    @Override
    public String toString() {
        return "Invitation[user=" + user + ", expiresAt=" + expiresAt + "]";
    }
}
