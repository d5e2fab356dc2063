package org.openmaas.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.openmaas.accounts.model.ProductGrants;
import org.openmaas.store.CredentialStore;

/**
 * Whether a cloud account may use a product, by its {@link ProductGrants} asked of the store at most once per
 * {@link #TTL} per account, so a change made on any instance holds on every instance within that time.
 */
public final class Entitlements {

    static final Duration TTL = Duration.ofSeconds(5);

    private record Entry(ProductGrants grants, Instant checkedAt) {
    }

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
            entry = new Entry(store.grants(cloudAccountId).orElse(ProductGrants.NONE), now);
            entries.put(cloudAccountId, entry);
        }
        return entry.grants().allows(productName);
    }
}
