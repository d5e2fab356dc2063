package org.openmaas.auth;

import java.util.Set;

/** A freshly issued bearer token. {@code toString} never shows the token itself. */
public record AccessToken(String value, long expiresInSeconds, Set<String> scopes) {
    public AccessToken {
        scopes = Set.copyOf(scopes);
    }

    @Override
    public String toString() {
        return "AccessToken[value=<redacted>, expiresInSeconds=" + expiresInSeconds + ", scopes=" + scopes + "]";
    }
}
