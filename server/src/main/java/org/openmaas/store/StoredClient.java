package org.openmaas.store;

import java.util.Objects;
import java.util.Set;

/**
 * An API client as stored: never its secret, only the secret's hash.
 *
 * @param active false when the client or its cloud account is revoked or suspended
 */
public record StoredClient(String clientId, String cloudAccountId, String name, String secretHash,
                           Set<String> scopes, boolean active) {
    public StoredClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(cloudAccountId, "cloudAccountId");
        Objects.requireNonNull(secretHash, "secretHash");
        scopes = Set.copyOf(scopes);
    }

    @Override
    public String toString() {
        return "StoredClient[clientId=" + clientId + ", cloudAccountId=" + cloudAccountId + ", name=" + name
                + ", scopes=" + scopes + ", active=" + active + "]";
    }
}
