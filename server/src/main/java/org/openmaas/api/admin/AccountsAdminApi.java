package org.openmaas.api.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.openmaas.api.ApiException;
import org.openmaas.auth.Ids;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.metering.Admission;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.DuplicateException;
import org.openmaas.store.MeteringStore;
import org.openmaas.store.StoredAccount;

/**
 * Cloud accounts, their entitlements and their monthly quota:
 * {@code /v1/admin/accounts[/{id}[/entitlements|/limits]]}.
 */
public final class AccountsAdminApi implements HttpService {

    static final int MAX_NAME = 200;

    private final AdminGate gate;
    private final CredentialStore store;
    private final MeteringStore metering;
    private final Catalog catalog;
    private final Clock clock;

    AccountsAdminApi(AdminGate gate, CredentialStore store, MeteringStore metering, Catalog catalog, Clock clock) {
        this.gate = gate;
        this.store = store;
        this.metering = metering;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/admin/accounts", this::list)
                .post("/v1/admin/accounts", this::create)
                .get("/v1/admin/accounts/{id}", this::show)
                .patch("/v1/admin/accounts/{id}", this::update)
                .get("/v1/admin/accounts/{id}/entitlements", this::entitlements)
                .put("/v1/admin/accounts/{id}/entitlements", this::setEntitlements)
                .get("/v1/admin/accounts/{id}/limits", this::limits)
                .put("/v1/admin/accounts/{id}/limits", this::setLimits);
    }

    record AccountJson(String id, String name, String status, String created_at) {
        static AccountJson of(StoredAccount a) {
            return new AccountJson(a.id(), a.name(), a.status(), AdminGate.iso(a.createdAt()));
        }
    }

    record AccountList(List<AccountJson> accounts) {
    }

    record CreateAccount(@JsonProperty("id") String id, @JsonProperty("name") String name) {
    }

    record UpdateAccount(@JsonProperty("name") String name, @JsonProperty("status") String status) {
    }

    record EntitlementsJson(@JsonProperty("all_products") Boolean all_products,
                            @JsonProperty("products") List<String> products) {
    }

    record AccountLimits(@JsonProperty("monthly_generated_tokens") Long monthly_generated_tokens) {
    }

    record AccountLimitsView(Long monthly_generated_tokens, String period, long used_tokens, long reserved_tokens) {
    }

    private void list(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        AdminGate.send(res, new AccountList(store.listAccounts().stream().map(AccountJson::of).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        CreateAccount body = AdminGate.body(req, CreateAccount.class);
        String name = name(body.name());
        if (body.id() != null && !Ids.ACCOUNT_ID.matcher(body.id()).matches()) {
            throw new ApiException.InvalidArgument("id must be 12 digits (or absent for a generated one), got '"
                    + body.id() + "'");
        }
        if (store.accountNameTaken(name)) {
            throw new ApiException.AlreadyExists("a cloud account named '" + name + "' already exists");
        }
        String id = body.id();
        for (int attempt = 0; ; attempt++) {
            String candidate = id != null ? id : Ids.newAccountId();
            try {
                store.createAccount(candidate, name, clock.instant());
                id = candidate;
                break;
            } catch (DuplicateException e) {
                if (id != null || attempt >= 3 || store.accountNameTaken(name)) {
                    throw new ApiException.AlreadyExists(id != null && !store.accountNameTaken(name)
                            ? "a cloud account with id " + id + " already exists"
                            : "a cloud account named '" + name + "' already exists");
                }
            }
        }
        AdminGate.created(res, AccountJson.of(account(id)));
    }

    private void show(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        AdminGate.send(res, AccountJson.of(account(AdminGate.pathParam(req, "id"))));
    }

    private void update(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        UpdateAccount body = AdminGate.body(req, UpdateAccount.class);
        String name = body.name() == null ? null : name(body.name());
        if (body.status() != null && !Set.of(StoredAccount.ACTIVE, StoredAccount.SUSPENDED).contains(body.status())) {
            throw new ApiException.InvalidArgument("status must be 'active' or 'suspended', got '" + body.status() + "'");
        }
        try {
            if (!store.updateAccount(id, name, body.status())) {
                throw noAccount(id);
            }
        } catch (DuplicateException e) {
            throw new ApiException.AlreadyExists("a cloud account named '" + name + "' already exists");
        }
        AdminGate.send(res, AccountJson.of(account(id)));
    }

    private void entitlements(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        CredentialStore.Entitlements e = store.entitlements(id).orElseThrow(() -> noAccount(id));
        AdminGate.send(res, new EntitlementsJson(e.allProducts(), List.copyOf(new TreeSet<>(e.products()))));
    }

    private void setEntitlements(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        EntitlementsJson body = AdminGate.body(req, EntitlementsJson.class);
        boolean all = Boolean.TRUE.equals(body.all_products());
        if (all == (body.products() != null)) {
            throw new ApiException.InvalidArgument("give either {\"all_products\": true} or {\"products\": [...]} "
                    + "(the only products the account may use), not both or neither");
        }
        Set<String> products = new TreeSet<>();
        if (!all) {
            Set<String> known = new TreeSet<>(catalog.entries().stream().map(CatalogEntry::product)
                    .map(p -> p.productName()).toList());
            for (String product : body.products()) {
                if (product == null || !known.contains(product)) {
                    throw new ApiException.InvalidArgument("unknown product '" + product + "'; products: "
                            + String.join(", ", known));
                }
                products.add(product);
            }
        }
        if (!store.setEntitlements(id, new CredentialStore.Entitlements(all, products))) {
            throw noAccount(id);
        }
        AdminGate.send(res, new EntitlementsJson(all, List.copyOf(products)));
    }

    private void limits(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        AdminGate.send(res, limitsView(account(AdminGate.pathParam(req, "id"))));
    }

    private void setLimits(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        AccountLimits body = AdminGate.body(req, AccountLimits.class);
        Long quota = body.monthly_generated_tokens();
        if (quota != null && quota < 0) {
            throw new ApiException.InvalidArgument("monthly_generated_tokens must be at least 0 (or null for "
                    + "unlimited), got " + quota);
        }
        if (!store.setMonthlyQuota(id, quota)) {
            throw noAccount(id);
        }
        AdminGate.send(res, limitsView(account(id)));
    }

    private AccountLimitsView limitsView(StoredAccount account) {
        String period = Admission.period(clock.instant());
        long[] usage = metering.quotaUsage(account.id(), period);
        return new AccountLimitsView(account.monthlyGeneratedTokens(), period, usage[0], usage[1]);
    }

    private StoredAccount account(String id) {
        return store.findAccount(id).orElseThrow(() -> noAccount(id));
    }

    static ApiException.NotFound noAccount(String id) {
        return new ApiException.NotFound("no cloud account with id '" + id + "'");
    }

    static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new ApiException.InvalidArgument("name is required and must not be blank");
        }
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException.InvalidArgument("name must be at most " + MAX_NAME
                    + " characters without control characters");
        }
        return name.strip();
    }
}
