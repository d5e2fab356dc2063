package org.openmaas.api.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.openmaas.accounts.Accounts;
import org.openmaas.accounts.model.CloudAccount;
import org.openmaas.accounts.model.ProductGrants;
import org.openmaas.api.ApiException;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.ModelSource;
import org.openmaas.catalog.ProductLifecycle;
import org.openmaas.console.Sessions;
import org.openmaas.console.Users;
import org.openmaas.console.model.User;
import org.openmaas.engine.EngineLoad;
import org.openmaas.metrics.ServingMetrics;

/**
 * The operator's pages, under {@code /console/api/operator}: accounts with their quota and entitlements, users,
 * products with their engines' health, and serving metrics. {@link ConsoleGate} gives everyone else 403.
 */
final class OperatorRoutes implements HttpService {

    static final String OPERATOR = ConsoleHttp.API + "/operator";

    private final Accounts accounts;
    private final Users users;
    private final ProductLifecycle products;
    private final Catalog catalog;
    private final ServingMetrics metrics;

    OperatorRoutes(Accounts accounts, Users users, ProductLifecycle products, Catalog catalog, ServingMetrics metrics) {
        this.accounts = accounts;
        this.users = users;
        this.products = products;
        this.catalog = catalog;
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(OPERATOR + "/accounts", this::accounts)
                .post(OPERATOR + "/accounts", this::createAccount)
                .put(OPERATOR + "/accounts/{acct}/limits", this::setLimits)
                .get(OPERATOR + "/accounts/{acct}/entitlements", this::entitlements)
                .put(OPERATOR + "/accounts/{acct}/entitlements", this::setEntitlements)
                .get(OPERATOR + "/users", this::users)
                .post(OPERATOR + "/users", this::createUser)
                .patch(OPERATOR + "/users/{id}", this::updateUser)
                .get(OPERATOR + "/products", this::products)
                .get(OPERATOR + "/metrics", this::metrics);
    }

    /** @param monthly_tokens the account's monthly quota of generated tokens; null: unlimited */
    record AccountJson(String id, String name, String status, Long monthly_tokens, boolean all_products,
                       String created_at) {
        static AccountJson of(CloudAccount a) {
            return new AccountJson(a.id(), a.name(), a.status(), a.monthlyGeneratedTokens(), a.allProducts(),
                    ConsoleHttp.iso(a.createdAt()));
        }
    }

    record AccountList(List<AccountJson> accounts) {
    }

    record NewAccount(@JsonProperty("id") String id, @JsonProperty("name") String name) {
    }

    record Limits(@JsonProperty("monthly_tokens") Long monthly_tokens) {
    }

    record EntitlementsJson(@JsonProperty("all_products") Boolean all_products,
                            @JsonProperty("products") List<String> products) {
        static EntitlementsJson of(ProductGrants g) {
            return new EntitlementsJson(g.allProducts(), List.copyOf(new TreeSet<>(g.products())));
        }
    }

    record UserJson(String id, String email, boolean operator, boolean disabled, boolean has_password,
                    List<MembershipJson> accounts) {
    }

    record MembershipJson(String id, String name, String role) {
    }

    record UserList(List<UserJson> users) {
    }

    record UserChange(@JsonProperty("operator") Boolean operator, @JsonProperty("disabled") Boolean disabled) {
    }

    /** @param ready whether requests reach it now */
    record ProductJson(String product_name, String product_id, String model_name, String engine, String state,
                       boolean ready, String error, List<EndpointJson> endpoints) {
    }

    record EndpointJson(String url, String state, int in_flight) {
    }

    record ProductList(List<ProductJson> products) {
    }

    /**
     * This instance's serving now and since it started; a rate (tokens per second) is the difference of two readings
     * over the time between them.
     */
    record MetricsJson(int in_flight, int queued, long requests_total, long prompt_tokens_total,
                       long generated_tokens_total, List<ProductLoad> products) {
    }

    record ProductLoad(String product_name, int active, int queued, int slots) {
    }

    private void accounts(ServerRequest req, ServerResponse res) {
        ConsoleHttp.send(res, new AccountList(accounts.list().stream().map(AccountJson::of).toList()));
    }

    private void createAccount(ServerRequest req, ServerResponse res) {
        NewAccount body = ConsoleHttp.body(req, NewAccount.class);
        ConsoleHttp.created(res, AccountJson.of(accounts.create(body.id(), body.name())));
    }

    private void setLimits(ServerRequest req, ServerResponse res) {
        String id = ConsoleHttp.pathParam(req, "acct");
        accounts.setQuota(id, ConsoleHttp.body(req, Limits.class).monthly_tokens());
        ConsoleHttp.send(res, AccountJson.of(accounts.get(id)));
    }

    private void entitlements(ServerRequest req, ServerResponse res) {
        ConsoleHttp.send(res, EntitlementsJson.of(accounts.grants(ConsoleHttp.pathParam(req, "acct"))));
    }

    private void setEntitlements(ServerRequest req, ServerResponse res) {
        String id = ConsoleHttp.pathParam(req, "acct");
        EntitlementsJson body = ConsoleHttp.body(req, EntitlementsJson.class);
        boolean all = Boolean.TRUE.equals(body.all_products());
        if (all == (body.products() != null)) {
            throw new ApiException.InvalidArgument("give either {\"all_products\": true} or {\"products\": [...]} "
                    + "(the only products the account may use), not both or neither", "products");
        }
        ConsoleHttp.send(res, EntitlementsJson.of(accounts.grant(id, all, body.products())));
    }

    private void users(ServerRequest req, ServerResponse res) {
        ConsoleHttp.send(res, new UserList(users.list().stream().map(this::userJson).toList()));
    }

    private void createUser(ServerRequest req, ServerResponse res) {
        ConsoleHttp.created(res, UserInvites.invite(users, ConsoleHttp.body(req, UserInvites.NewUser.class)));
    }

    private void updateUser(ServerRequest req, ServerResponse res) {
        String id = ConsoleHttp.pathParam(req, "id");
        Sessions.Current current = ConsoleGate.current(req);
        UserChange body = ConsoleHttp.body(req, UserChange.class);
        if (id.equals(current.user().id()) && (Boolean.FALSE.equals(body.operator())
                || Boolean.TRUE.equals(body.disabled()))) {
            throw new ApiException.InvalidArgument("an operator cannot disable themselves or give up the operator "
                    + "role; another operator can", "operator");
        }
        ConsoleHttp.send(res, userJson(users.update(id, body.operator(), body.disabled())));
    }

    private void products(ServerRequest req, ServerResponse res) {
        ConsoleHttp.send(res, new ProductList(products.list().stream().map(OperatorRoutes::productJson).toList()));
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        List<ProductLoad> loads = catalog.entries().stream().map(e -> {
            EngineLoad load = e.engine().load();
            return new ProductLoad(e.product().productName(), load.active(), load.queued(), load.slots());
        }).toList();
        ServingMetrics.Summary served = metrics.summary();
        ConsoleHttp.send(res, new MetricsJson(loads.stream().mapToInt(ProductLoad::active).sum(),
                loads.stream().mapToInt(ProductLoad::queued).sum(), served.requests(), served.promptTokens(),
                served.generatedTokens(), loads));
    }

    private UserJson userJson(User u) {
        return new UserJson(u.id(), u.email(), u.operator(), u.disabled(), u.hasPassword(),
                users.membershipsOf(u.id()).stream().map(m -> new MembershipJson(m.cloudAccountId(), m.accountName(),
                        m.role().label())).toList());
    }

    private static ProductJson productJson(ProductLifecycle.View view) {
        String name = view.status().config().productName();
        List<EndpointJson> endpoints = view.entry().map(CatalogEntry::engine).stream()
                .flatMap(engine -> engine.endpoints().stream())
                .map(s -> new EndpointJson(s.endpoint().toString(), s.state().label(), s.inFlight())).toList();
        return new ProductJson(name, view.status().config().productId().toString(),
                view.entry().map(e -> e.product().modelName()).orElse(view.status().config().modelName()),
                view.status().config().source() instanceof ModelSource.Remote ? "remote" : "embedded",
                view.status().phase().name().toLowerCase(Locale.ROOT), view.entry().isPresent(),
                view.status().error().orElse(null), endpoints);
    }
}
