package org.openmaas.api.admin;

import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import org.openmaas.api.BearerAuth;
import org.openmaas.auth.ApiKeys;
import org.openmaas.auth.Clients;
import org.openmaas.auth.SigningKeys;
import org.openmaas.catalog.Catalog;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.MeteringStore;

/** The admin API under {@code /v1/admin}: every route needs a token with the {@code admin} scope. */
public final class AdminApi {

    private AdminApi() {
    }

    public static void register(HttpRouting.Builder routing, BearerAuth auth, CredentialStore credentials,
                                MeteringStore metering, SigningKeys keys, ApiKeys apiKeys, Catalog catalog,
                                Clock clock) {
        AdminGate gate = new AdminGate(auth);
        routing.register(new AccountsAdminApi(gate, credentials, metering, catalog, clock))
                .register(new ClientsAdminApi(gate, credentials, new Clients(credentials, clock)))
                .register(new ApiKeysAdminApi(gate, credentials, apiKeys))
                .register(new UsageAdminApi(gate, credentials, metering, keys));
    }
}
