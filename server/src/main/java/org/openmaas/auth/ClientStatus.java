package org.openmaas.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.openmaas.accounts.model.Client;
import org.openmaas.accounts.model.StoreUnavailableException;
import org.openmaas.store.CredentialStore;

/**
 * Whether a client may still use its tokens, asked of the store at most once per {@link #TTL} per client: a
 * revocation (of the client, or suspension of its account) takes effect within that time on every instance, even
 * for unexpired tokens, without a query on every request.
 */
final class ClientStatus {

    static final Duration TTL = Duration.ofSeconds(5);

    private record Entry(boolean active, Instant checkedAt) {
    }

    private final CredentialStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    ClientStatus(CredentialStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    boolean isActive(String clientId) {
        Instant now = clock.instant();
        Entry entry = entries.get(clientId);
        if (entry == null || !now.isBefore(entry.checkedAt().plus(TTL))) {
            try {
                entry = new Entry(store.findClient(clientId).map(Client::active).orElse(false), now);
            } catch (StoreUnavailableException e) {
                if (entry == null) {
                    throw e;
                }
                // The store is unreachable, so nobody can revoke anything now: keep the last answer a while longer.
                entry = new Entry(entry.active(), now);
            }
            entries.put(clientId, entry);
        }
        return entry.active();
    }
}
