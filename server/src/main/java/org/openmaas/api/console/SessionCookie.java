package org.openmaas.api.console;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@value #NAME} cookie: the session's id, for the console's paths only, never readable by scripts, never sent
 * with a request another site starts, and only over TLS when the request came over TLS (itself, or through a proxy
 * that says so in {@code X-Forwarded-Proto}).
 */
final class SessionCookie {

    static final String NAME = "maas_session";

    private SessionCookie() {
    }

    /** The session id the request carries, if any. */
    static Optional<String> of(ServerRequest req) {
        for (String header : req.headers().all(HeaderNames.COOKIE, List::of)) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(NAME)) {
                    String value = pair.substring(eq + 1).strip();
                    return value.isEmpty() ? Optional.empty() : Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    static void set(ServerRequest req, ServerResponse res, String sessionId, Duration lifetime) {
        res.header(HeaderNames.SET_COOKIE, NAME + "=" + sessionId + attributes(req) + "; Max-Age=" + lifetime.toSeconds());
    }

    static void clear(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.SET_COOKIE, NAME + "=" + attributes(req) + "; Max-Age=0");
    }

    private static String attributes(ServerRequest req) {
        boolean tls = req.isSecure() || req.headers().first(HeaderNames.X_FORWARDED_PROTO)
                .map(p -> p.strip().equalsIgnoreCase("https")).orElse(false);
        return "; Path=/console; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }
}
