package org.openmaas.api.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
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

/** What every admin route shares: the admin-scope check, bodies, query parameters and JSON replies. */
final class AdminGate {

    static final int MAX_BODY_BYTES = 64 * 1024;

    private final BearerAuth auth;

    AdminGate(BearerAuth auth) {
        this.auth = auth;
    }

    /** The caller, who must hold the {@code admin} scope (401 without a valid token, 403 without the scope). */
    Principal admin(ServerRequest req) {
        Principal principal = auth.authenticate(req);
        if (!principal.hasScope(Scopes.ADMIN)) {
            throw new ApiException.PermissionDenied("the admin API needs a token with the 'admin' scope; this "
                    + "token has: " + String.join(" ", principal.scopes()));
        }
        return principal;
    }

    static <T> T body(ServerRequest req, Class<T> type) {
        return Json.read(Bodies.read(req, MAX_BODY_BYTES), type);
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
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }

    static void created(ServerResponse res, Object body) {
        res.status(Status.CREATED_201);
        send(res, body);
    }

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
