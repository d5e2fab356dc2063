package org.openmaas.api.console;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.openmaas.api.ApiException;

/**
 * Refuses a change that a browser says another site's page asked for: by {@code Sec-Fetch-Site} (anything but
 * {@code same-origin}, or {@code none} for what the user did themselves), and by {@code Origin}, which must name
 * this server as the request reached it ({@code Host}, or {@code X-Forwarded-Host} behind a proxy). A request
 * without either header (not from a browser, or an old one) passes here; the CSRF token still guards it.
 */
final class SameOrigin {

    private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");

    private SameOrigin() {
    }

    static void require(ServerRequest req) {
        Optional<String> site = req.headers().first(SEC_FETCH_SITE).map(s -> s.strip().toLowerCase(Locale.ROOT));
        if (site.isPresent() && !site.get().equals("same-origin") && !site.get().equals("none")) {
            throw refused("its browser says it came from a " + site.get() + " page (Sec-Fetch-Site)");
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return;
        }
        Optional<String> authority = authority(origin.get());
        if (authority.isEmpty() || !(matches(authority.get(), origin.get(), req.headers().first(HeaderNames.HOST))
                || matches(authority.get(), origin.get(), req.headers().first(HeaderNames.X_FORWARDED_HOST)))) {
            throw refused("it came from a page of " + (origin.get().length() > 100 ? "another origin"
                    : "'" + origin.get() + "'") + ", not of this server (Origin)");
        }
    }

    /** {@code host:port} of an origin such as {@code https://maas.example.com}, the scheme's port when it has none. */
    private static Optional<String> authority(String origin) {
        try {
            URI uri = new URI(origin.strip());
            if (uri.getHost() == null || uri.getScheme() == null) {
                return Optional.empty();
            }
            return Optional.of(uri.getHost().toLowerCase(Locale.ROOT) + ":" + port(uri.getPort(), uri.getScheme()));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Whether a {@code Host}-style header names the origin's authority (its port defaults to the origin scheme's). */
    private static boolean matches(String authority, String origin, Optional<String> host) {
        if (host.isEmpty()) {
            return false;
        }
        String scheme = origin.substring(0, Math.max(0, origin.indexOf(':')));
        return authority(scheme + "://" + host.get().strip()).map(authority::equals).orElse(false);
    }

    private static int port(int port, String scheme) {
        return port >= 0 ? port : scheme.equalsIgnoreCase("https") ? 443 : 80;
    }

    private static ApiException.CsrfRefused refused(String why) {
        return new ApiException.CsrfRefused("this request would change something, but " + why + "; the console "
                + "takes changes only from its own pages");
    }
}
