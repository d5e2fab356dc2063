package org.openmaas.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.openmaas.store.CredentialStore;

/**
 * Which products a cloud account may use, asked of the store at most once per {@link #TTL} per account, so a change
 * made on any instance holds on every instance within that time.
 */
public final class Entitlements {

    static final Duration TTL = Duration.ofSeconds(5);

    private record Entry(CredentialStore.Entitlements entitlements, Instant checkedAt) {
    }

    private static final CredentialStore.Entitlements NONE =
            new CredentialStore.Entitlements(false, java.util.Set.of());

    private final CredentialStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public Entitlements(CredentialStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public boolean allows(String cloudAccountId, String productName) {
        Instant now = clock.instant();
        Entry entry = entries.get(cloudAccountId);
        if (entry == null || !now.isBefore(entry.checkedAt().plus(TTL))) {
            entry = new Entry(store.entitlements(cloudAccountId).orElse(NONE), now);
            entries.put(cloudAccountId, entry);
        }
        return entry.entitlements().allows(productName);
    }
}
