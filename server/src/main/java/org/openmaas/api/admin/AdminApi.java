package org.openmaas.api.admin;

import io.helidon.webserver.http.HttpRouting;
import java.nio.file.Path;
import java.util.Map;
import org.openmaas.accounts.Accounts;
import org.openmaas.accounts.Clients;
import org.openmaas.accounts.Usage;
import org.openmaas.api.BearerAuth;
import org.openmaas.auth.SigningKeys;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.ProductLifecycle;
import org.openmaas.console.Users;
import org.openmaas.metrics.Refusals;

/** The admin API under {@code /v1/admin}: one filter lets only callers with the {@code admin} scope reach it. */
public final class AdminApi {

    private AdminApi() {
    }

    public static void register(HttpRouting.Builder routing, BearerAuth auth, Accounts accounts, Clients clients,
                                Usage usage, SigningKeys keys, Refusals refusals, Catalog catalog,
                                ProductLifecycle products, Path productsBaseDir, Map<String, String> environment,
                                Users users) {
        routing.addFilter(new AdminGate(auth))
                .register(new AccountsAdminApi(accounts))
                .register(new ClientsAdminApi(clients))
                .register(new ApiKeysAdminApi(clients))
                .register(new UsageAdminApi(usage, keys, refusals))
                .register(new EnginesAdminApi(catalog))
                .register(new ProductsAdminApi(products, productsBaseDir, environment))
                .register(new UsersAdminApi(users));
    }
}
