package org.openmaas.accounts;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.CloudAccount;
import org.openmaas.accounts.model.ProductGrants;
import org.openmaas.accounts.model.QuotaUsage;
import org.openmaas.auth.Ids;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.metering.Admission;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.MeteringStore;

/**
 * Cloud accounts: creation (with a given id, or a new random one), name and status, the products each may use and
 * its monthly quota of generated tokens. Refusals are {@link AccountsException}s whose messages name the rule.
 */
public final class Accounts {

    public static final int MAX_NAME = 200;
    /** Random ids drawn before creation gives up; twelve digits make even a second draw rare. */
    private static final int ID_ATTEMPTS = 4;

    private final CredentialStore store;
    private final MeteringStore metering;
    private final Admission admission;
    private final Catalog catalog;
    private final Clock clock;

    public Accounts(CredentialStore store, MeteringStore metering, Admission admission, Catalog catalog, Clock clock) {
        this.store = store;
        this.metering = metering;
        this.admission = admission;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Every account, by id. */
    public List<CloudAccount> list() {
        return store.listAccounts();
    }

    public CloudAccount get(String id) {
        return store.findAccount(id).orElseThrow(() -> notFound(id));
    }

    /**
     * A new active account named {@code name}.
     *
     * @param id twelve digits, or null for a new random id (drawn again should it be taken)
     */
    public CloudAccount create(String id, String name) {
        String checkedName = name(name);
        if (id != null && !Ids.ACCOUNT_ID.matcher(id).matches()) {
            throw new AccountsException.Invalid("id must be 12 digits (or absent for a generated one), got '" + id + "'");
        }
        if (store.accountNameTaken(checkedName)) {
            throw nameTaken(checkedName);
        }
        for (int attempt = 1; ; attempt++) {
            String candidate = id != null ? id : Ids.newAccountId();
            try {
                store.createAccount(candidate, checkedName, clock.instant());
                return get(candidate);
            } catch (AccountsException.AlreadyExists e) {
                // The id or the name was taken meanwhile: only a random id is worth another try.
                boolean nameTaken = store.accountNameTaken(checkedName);
                if (id != null && !nameTaken) {
                    throw new AccountsException.AlreadyExists("a cloud account with id " + id + " already exists");
                }
                if (id != null || nameTaken || attempt == ID_ATTEMPTS) {
                    throw nameTaken(checkedName);
                }
            }
        }
    }

    /**
     * Renames and/or suspends or reactivates an account (null leaves a field as it is); suspending stops its clients'
     * tokens and keys.
     */
    public CloudAccount update(String id, String name, String status) {
        String checkedName = name == null ? null : name(name);
        if (status != null && !Set.of(CloudAccount.ACTIVE, CloudAccount.SUSPENDED).contains(status)) {
            throw new AccountsException.Invalid("status must be 'active' or 'suspended', got '" + status + "'");
        }
        if (!store.updateAccount(id, checkedName, status)) {
            throw notFound(id);
        }
        return get(id);
    }

    public ProductGrants grants(String id) {
        return store.grants(id).orElseThrow(() -> notFound(id));
    }

    /**
     * Replaces the products an account may use: every one, or only {@code products}, each a product of the catalog.
     *
     * @param products ignored when {@code allProducts}
     */
    public ProductGrants grant(String id, boolean allProducts, List<String> products) {
        Set<String> granted = new TreeSet<>();
        if (!allProducts) {
            Set<String> known = new TreeSet<>(catalog.entries().stream().map(CatalogEntry::product)
                    .map(p -> p.productName()).toList());
            for (String product : products) {
                if (product == null || !known.contains(product)) {
                    throw new AccountsException.Invalid("unknown product '" + product + "'; products: "
                            + String.join(", ", known));
                }
                granted.add(product);
            }
        }
        ProductGrants grants = new ProductGrants(allProducts, granted);
        if (!store.setGrants(id, grants)) {
            throw notFound(id);
        }
        return grants;
    }

    /** The account's monthly quota and what counts against it this month. */
    public QuotaUsage quota(String id) {
        CloudAccount account = get(id);
        String period = Admission.period(clock.instant());
        admission.settleEnded();
        long[] usage = metering.quotaUsage(account.id(), period);
        return new QuotaUsage(account.monthlyGeneratedTokens(), period, usage[0], usage[1]);
    }

    /** @param monthlyGeneratedTokens at least 0, or null for unlimited */
    public QuotaUsage setQuota(String id, Long monthlyGeneratedTokens) {
        if (monthlyGeneratedTokens != null && monthlyGeneratedTokens < 0) {
            throw new AccountsException.Invalid("monthly_generated_tokens must be at least 0 (or null for "
                    + "unlimited), got " + monthlyGeneratedTokens);
        }
        if (!store.setMonthlyQuota(id, monthlyGeneratedTokens)) {
            throw notFound(id);
        }
        return quota(id);
    }

    static AccountsException.NotFound notFound(String id) {
        return new AccountsException.NotFound("no cloud account with id '" + id + "'");
    }

    /** The name of an account or client as it is kept: stripped, not blank, short, no control characters. */
    static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new AccountsException.Invalid("name is required and must not be blank");
        }
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new AccountsException.Invalid("name must be at most " + MAX_NAME
                    + " characters without control characters");
        }
        return name.strip();
    }

    private static AccountsException.AlreadyExists nameTaken(String name) {
        return new AccountsException.AlreadyExists("a cloud account named '" + name + "' already exists");
    }
}
