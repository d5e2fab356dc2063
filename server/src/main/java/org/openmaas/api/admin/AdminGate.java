package org.openmaas.api.admin;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.Set;
import org.openmaas.api.ApiException;
import org.openmaas.api.BearerAuth;
import org.openmaas.api.Bodies;
import org.openmaas.api.Json;
import org.openmaas.auth.Principal;
import org.openmaas.auth.Scopes;

/**
 * What every admin route shares: the admin-scope check, run as a filter before routing so that no route under
 * {@value #PATH} can be reached without it, and bodies, query parameters and JSON replies.
 */
final class AdminGate implements Filter {

    static final String PATH = "/v1/admin";
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final BearerAuth auth;

    AdminGate(BearerAuth auth) {
        this.auth = auth;
    }

    /** Lets a request under {@value #PATH} on only when its caller holds the {@code admin} scope. */
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.equals(PATH) || path.startsWith(PATH + "/")) {
            requireAdmin(req);
        }
        chain.proceed();
    }

    /** 401 without valid credentials, 403 without the {@code admin} scope. */
    private void requireAdmin(ServerRequest req) {
        Principal principal = auth.authenticate(req);
        if (!principal.hasScope(Scopes.ADMIN)) {
            throw new ApiException.PermissionDenied("the admin API needs a token with the 'admin' scope; this "
                    + "token has: " + String.join(" ", principal.scopes()));
        }
    }

    static <T> T body(ServerRequest req, Class<T> type) {
        return Bodies.readJson(req, MAX_BODY_BYTES, type);
    }

    /** Refuses query parameters other than {@code allowed}, so a misspelt filter is not silently ignored. */
    static void onlyQuery(ServerRequest req, Set<String> allowed) {
        for (String name : req.query().names()) {
            if (!allowed.contains(name)) {
                throw new ApiException.InvalidArgument("unknown query parameter '" + name + "'; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    static String query(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().get(name) : null;
    }

    static String pathParam(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    static void send(ServerResponse res, Object body) {
        Json.send(res, body);
    }

    static void created(ServerResponse res, Object body) {
        Json.created(res, body);
    }

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
