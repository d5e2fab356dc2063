package org.openmaas.accounts.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An API client as stored: never its secret, only the secret's hash (and, during a rotation's overlap, the previous
 * secret's hash with the instant it stops working).
 *
 * @param status  {@code active} or {@code revoked}
 * @param active  false when the client is revoked or its cloud account is suspended
 * @param version bumped by every change, so a rotation can tell whether another one happened meanwhile
 */
public record Client(String clientId, String cloudAccountId, String name, String secretHash,
                     String previousSecretHash, Instant previousSecretExpiresAt, Set<String> scopes,
                     String status, boolean active, ClientLimits limits, Instant createdAt, Instant lastUsedAt,
                     long version) {

    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";

    public Client {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(cloudAccountId, "cloudAccountId");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(limits, "limits");
        scopes = Set.copyOf(scopes);
    }

    /** A new client to create: active, no limits. */
    public Client(String clientId, String cloudAccountId, String name, String secretHash, Set<String> scopes,
                        boolean active) {
        this(clientId, cloudAccountId, name, secretHash, null, null, scopes, active ? ACTIVE : REVOKED, active,
                ClientLimits.NONE, null, null, 0);
    }

    /** Whether the previous secret still authenticates at {@code now}. */
    public boolean previousSecretValidAt(Instant now) {
        return previousSecretHash != null && previousSecretExpiresAt != null && now.isBefore(previousSecretExpiresAt);
    }

    @Override
    public String toString() {
        return "Client[clientId=" + clientId + ", cloudAccountId=" + cloudAccountId + ", name=" + name
                + ", scopes=" + scopes + ", status=" + status + ", active=" + active + "]";
    }
}
