package org.openmaas.api.console;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.openmaas.api.ApiException;
import org.openmaas.console.Sessions;

/**
 * What every console response and request goes through, before routing so that no console route can be reached
 * without it: the security headers on every answer under {@code /console} (errors too); and for the JSON API under
 * {@value ConsoleHttp#API}, {@code Cache-Control: no-store}, a refusal of any change a browser says another site's
 * page asked for, the session (401 without a live one), on every change its CSRF token, and for the operator's routes
 * the operator role (403 without it).
 *
 * <p>Only signing in and following an invite link need no session (they start one), and so no CSRF token either;
 * the cross-site refusal still applies to them, so another site cannot sign a browser in to an account of its own.
 */
final class ConsoleGate implements Filter {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    static final HeaderName CSRF_HEADER = HeaderNames.create("X-CSRF-Token");
    private static final HeaderName CSP_HEADER = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);

    private final Sessions sessions;

    ConsoleGate(Sessions sessions) {
        this.sessions = sessions;
    }

    /** The live session of a request that passed the gate. */
    static Sessions.Current current(ServerRequest req) {
        return req.context().get(Sessions.Current.class)
                .orElseThrow(() -> new IllegalStateException("the console gate did not authenticate " + req.path()));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            chain.proceed();
            return;
        }
        res.header(CSP_HEADER, CSP);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(REFERRER_POLICY, "no-referrer");
        if (path.startsWith(ConsoleHttp.API + "/")) {
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            guard(req, path);
        }
        chain.proceed();
    }

    private void guard(ServerRequest req, String path) {
        boolean changes = !SAFE.contains(req.prologue().method());
        if (changes) {
            SameOrigin.require(req);
        }
        if (startsSession(req.prologue().method(), path)) {
            return;
        }
        Sessions.Current current = SessionCookie.of(req).flatMap(sessions::current)
                .orElseThrow(() -> new ApiException.Unauthenticated("not signed in, or the session has ended; sign in "
                        + "with POST " + ConsoleHttp.API + "/session"));
        if (changes && !csrfMatches(req, current)) {
            throw new ApiException.CsrfRefused("a change needs the header " + CSRF_HEADER.defaultCase()
                    + " carrying the csrf_token of the session (GET " + ConsoleHttp.API + "/session gives it)");
        }
        if (path.equals(OperatorRoutes.OPERATOR) || path.startsWith(OperatorRoutes.OPERATOR + "/")) {
            AccountAccess.requireOperator(current);
        }
        req.context().register(current);
    }

    /** Signing in and following an invite link: the routes that start a session rather than need one. */
    static boolean startsSession(Method method, String path) {
        return method == Method.POST && (path.equals(ConsoleHttp.API + "/session")
                || path.startsWith(ConsoleHttp.API + "/invites/") && path.endsWith("/accept"));
    }

    private static boolean csrfMatches(ServerRequest req, Sessions.Current current) {
        return req.headers().first(CSRF_HEADER).map(sent -> MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), current.session().csrfToken().getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }
}
