package org.openmaas.client;

import java.time.Instant;
import java.util.Objects;

/**
 * An OAuth2 access token from the token endpoint. {@link #toString()} never shows the token.
 *
 * @param tokenType the scheme for the Authorization header, normally {@code Bearer}
 * @param value     the token itself: treat it as a secret
 * @param expiresAt when the service stops accepting it, by the client's clock
 * @param scope     the granted scopes, space-separated; empty when the endpoint did not say
 */
public record AccessToken(String tokenType, String value, Instant expiresAt, String scope) {

    public AccessToken {
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(scope, "scope");
    }

    /** The Authorization header's value, as the guide's script builds it: {@code "<token_type> <access_token>"}. */
    public String authorization() {
        return tokenType + " " + value;
    }

    @Override
    public String toString() {
        return "AccessToken[tokenType=" + tokenType + ", value=<redacted>, expiresAt=" + expiresAt + ", scope=" + scope + "]";
    }
}
