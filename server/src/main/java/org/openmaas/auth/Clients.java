package org.openmaas.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.StoredClient;

/**
 * The lifecycle of API clients: creation (the secret is shown once and stored only as a hash), secret rotation with
 * an overlap during which the old secret still works, and revocation.
 */
public final class Clients {

    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(1);
    public static final Duration MAX_OVERLAP = Duration.ofDays(7);

    /** A client just created or rotated, with its secret in clear: shown once, never stored. */
    public record WithSecret(StoredClient client, String secret) {
        @Override
        public String toString() {
            return "WithSecret[client=" + client + ", secret=<redacted>]";
        }
    }

    /** Outcome of a rotation. */
    public sealed interface Rotation {
        record Rotated(WithSecret client) implements Rotation {
        }

        record NoSuchClient() implements Rotation {
        }

        /** Another change to the client landed between reading and writing it. */
        record Conflict() implements Rotation {
        }
    }

    private final CredentialStore store;
    private final Clock clock;

    public Clients(CredentialStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * @param clientId null for a generated one
     * @throws org.openmaas.store.DuplicateException when the id, or the name within the account, is taken
     */
    public WithSecret create(String cloudAccountId, String clientId, String name, Set<String> scopes) {
        String id = clientId == null ? Ids.newClientId() : clientId;
        String secret = SecretHasher.newSecret();
        store.createClient(new StoredClient(id, cloudAccountId, name, SecretHasher.hash(secret), scopes, true),
                clock.instant());
        return new WithSecret(store.findClient(id).orElseThrow(), secret);
    }

    /** A new secret; the current one keeps working for {@code overlap}. */
    public Rotation rotate(String clientId, Duration overlap) {
        Optional<StoredClient> found = store.findClient(clientId);
        if (found.isEmpty()) {
            return new Rotation.NoSuchClient();
        }
        String secret = SecretHasher.newSecret();
        Instant now = clock.instant();
        if (!store.rotateSecret(clientId, found.get().version(), SecretHasher.hash(secret), now.plus(overlap), now)) {
            return store.findClient(clientId).isPresent() ? new Rotation.Conflict() : new Rotation.NoSuchClient();
        }
        return new Rotation.Rotated(new WithSecret(store.findClient(clientId).orElseThrow(), secret));
    }

    /** @return false when there is no such client */
    public boolean revoke(String clientId) {
        return store.revokeClient(clientId, clock.instant());
    }
}
