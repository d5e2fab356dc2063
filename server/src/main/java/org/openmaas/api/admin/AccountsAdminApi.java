package org.openmaas.api.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.TreeSet;
import org.openmaas.accounts.Accounts;
import org.openmaas.accounts.model.CloudAccount;
import org.openmaas.accounts.model.ProductGrants;
import org.openmaas.accounts.model.QuotaUsage;
import org.openmaas.api.ApiException;

/**
 * Cloud accounts, their entitlements and their monthly quota:
 * {@code /v1/admin/accounts[/{id}[/entitlements|/limits]]}.
 */
public final class AccountsAdminApi implements HttpService {

    private final Accounts accounts;

    AccountsAdminApi(Accounts accounts) {
        this.accounts = accounts;
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
        static AccountJson of(CloudAccount a) {
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
        static EntitlementsJson of(ProductGrants g) {
            return new EntitlementsJson(g.allProducts(), List.copyOf(new TreeSet<>(g.products())));
        }
    }

    record AccountLimits(@JsonProperty("monthly_generated_tokens") Long monthly_generated_tokens) {
    }

    record AccountLimitsView(Long monthly_generated_tokens, String period, long used_tokens, long reserved_tokens) {
        static AccountLimitsView of(QuotaUsage q) {
            return new AccountLimitsView(q.monthlyGeneratedTokens(), q.period(), q.usedTokens(), q.reservedTokens());
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, new AccountList(accounts.list().stream().map(AccountJson::of).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        CreateAccount body = AdminGate.body(req, CreateAccount.class);
        AdminGate.created(res, AccountJson.of(accounts.create(body.id(), body.name())));
    }

    private void show(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, AccountJson.of(accounts.get(AdminGate.pathParam(req, "id"))));
    }

    private void update(ServerRequest req, ServerResponse res) {
        String id = AdminGate.pathParam(req, "id");
        UpdateAccount body = AdminGate.body(req, UpdateAccount.class);
        AdminGate.send(res, AccountJson.of(accounts.update(id, body.name(), body.status())));
    }

    private void entitlements(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, EntitlementsJson.of(accounts.grants(AdminGate.pathParam(req, "id"))));
    }

    private void setEntitlements(ServerRequest req, ServerResponse res) {
        String id = AdminGate.pathParam(req, "id");
        EntitlementsJson body = AdminGate.body(req, EntitlementsJson.class);
        boolean all = Boolean.TRUE.equals(body.all_products());
        if (all == (body.products() != null)) {
            throw new ApiException.InvalidArgument("give either {\"all_products\": true} or {\"products\": [...]} "
                    + "(the only products the account may use), not both or neither");
        }
        AdminGate.send(res, EntitlementsJson.of(accounts.grant(id, all, body.products())));
    }

    private void limits(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, AccountLimitsView.of(accounts.quota(AdminGate.pathParam(req, "id"))));
    }

    private void setLimits(ServerRequest req, ServerResponse res) {
        String id = AdminGate.pathParam(req, "id");
        AccountLimits body = AdminGate.body(req, AccountLimits.class);
        AdminGate.send(res, AccountLimitsView.of(accounts.setQuota(id, body.monthly_generated_tokens())));
    }
}
