package org.openmaas.accounts.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A cloud account.
 *
 * @param status                 {@code active} or {@code suspended} (its clients' tokens stop working)
 * @param allProducts            true when the account may use every product; else only its entitlements
 * @param monthlyGeneratedTokens the account's quota of generated tokens per calendar month (UTC); null: unlimited
 */
public record CloudAccount(String id, String name, String status, boolean allProducts, Long monthlyGeneratedTokens,
                           Instant createdAt) {

    public static final String ACTIVE = "active";
    public static final String SUSPENDED = "suspended";

    public CloudAccount {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
    }
}
