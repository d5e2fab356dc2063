package org.openmaas.api.console;

import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import org.openmaas.accounts.Accounts;
import org.openmaas.accounts.Usage;
import org.openmaas.api.ApiException;
import org.openmaas.api.ClientAddress;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.GuessingGuard;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.ProductLifecycle;
import org.openmaas.console.AccountCredentials;
import org.openmaas.console.Sessions;
import org.openmaas.console.Users;
import org.openmaas.metrics.ServingMetrics;
import org.openmaas.store.CredentialStore;

/**
 * The console, served at {@code /console}: its pages and the JSON API they call under {@value ConsoleHttp#API}, all
 * behind {@link ConsoleGate}. Its rules are the services the admin API uses; only who may call them differs.
 */
public final class ConsoleApi {

    /** What the console is built from. */
    public record Services(Users users, Sessions sessions, GuessingGuard guard, ClientAddress clientAddress,
                           CredentialStore store, Accounts accounts, Usage usage, AccountCredentials credentials,
                           Entitlements entitlements, Catalog catalog, ProductLifecycle products,
                           ServingMetrics metrics, Clock clock) {
    }

    private ConsoleApi() {
    }

    public static void register(HttpRouting.Builder routing, Services s) {
        routing.addFilter(new ConsoleGate(s.sessions()))
                .register(new SessionRoutes(s.users(), s.sessions(), s.guard(), s.clientAddress(), s.store()))
                .register(new AccountRoutes(s.users(), s.store(), s.catalog(), s.entitlements(), s.credentials(),
                        s.accounts(), s.usage(), s.clock()))
                .register(new CredentialRoutes(s.users(), s.store(), s.credentials()))
                .register(new MemberRoutes(s.users(), s.store()))
                .register(new OperatorRoutes(s.accounts(), s.users(), s.products(), s.catalog(), s.metrics()))
                .any(ConsoleHttp.API + "/{+rest}", (req, res) -> {
                    throw new ApiException.NotFound("the console API has no " + req.prologue().method().text() + " "
                            + req.path().path());
                })
                .register(new StaticFiles());
    }
}
