package org.openmaas.auth;

import java.util.Set;

/** The scopes a client may hold and request. */
public final class Scopes {
    public static final String INFERENCE = "inference";
    public static final String ADMIN = "admin";
    public static final Set<String> ALL = Set.of(INFERENCE, ADMIN);

    private Scopes() {
    }
}
