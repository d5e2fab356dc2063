package org.openmaas.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openmaas.accounts.model.Client;
import org.openmaas.accounts.model.StoreUnavailableException;
import org.openmaas.store.CredentialStore;

/**
 * Whether a client may still use its tokens, and with which scopes, asked of the store at most once per {@link #TTL}
 * per client: a revocation (of the client, or suspension of its account) or a scope taken away takes effect within
 * that time on every instance, even for unexpired tokens, without a query on every request.
 */
final class ClientStatus {

    static final Duration TTL = Duration.ofSeconds(5);

    /** What the store last said of a client: an unknown client is inactive and holds no scope. */
    record Status(boolean active, Set<String> scopes) {
        Status {
            scopes = Set.copyOf(scopes);
        }

        private static Status of(Optional<Client> client) {
            return client.map(c -> new Status(c.active(), c.scopes())).orElse(new Status(false, Set.of()));
        }
    }

    private record Entry(Status status, Instant checkedAt) {
    }

    private final CredentialStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    ClientStatus(CredentialStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Status current(String clientId) {
        Instant now = clock.instant();
        Entry entry = entries.get(clientId);
        if (entry == null || !now.isBefore(entry.checkedAt().plus(TTL))) {
            try {
                entry = new Entry(Status.of(store.findClient(clientId)), now);
            } catch (StoreUnavailableException e) {
                if (entry == null) {
                    throw e;
                }
                // The store is unreachable, so nobody can revoke anything now: keep the last answer a while longer.
                entry = new Entry(entry.status(), now);
            }
            entries.put(clientId, entry);
        }
        return entry.status();
    }
}
