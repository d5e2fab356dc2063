package org.openmaas.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The web origins whose pages may call the OpenAI-compatible and MaaS APIs from a browser (CORS), as browsers send
 * them in {@code Origin}: {@code scheme://host[:port]}, or {@code *} for any page. None by default: a browser page
 * then cannot read any response, whatever credentials it holds.
 *
 * @param origins   the allowed origins, lower-cased as browsers serialize them
 * @param anyOrigin whether every origin is allowed
 */
public record CorsOrigins(Set<String> origins, boolean anyOrigin) {

    /** No browser page may call the APIs. */
    public static final CorsOrigins NONE = new CorsOrigins(Set.of(), false);

    public CorsOrigins {
        origins = Set.copyOf(origins);
    }

    /**
     * Reads a comma-separated list such as {@code https://app.example.com, http://localhost:5173}; blank is
     * {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the entry at fault and what an origin looks like
     */
    public static CorsOrigins parse(String list) {
        Set<String> origins = new LinkedHashSet<>();
        boolean any = false;
        for (String entry : list.split(",")) {
            String origin = entry.strip();
            if (origin.equals("*")) {
                any = true;
            } else if (!origin.isEmpty()) {
                origins.add(origin(origin));
            }
        }
        return new CorsOrigins(origins, any);
    }

    /** Whether a page of {@code origin} (a request's {@code Origin} header) may call the APIs. */
    public boolean allows(String origin) {
        return anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT));
    }

    public boolean isEmpty() {
        return !anyOrigin && origins.isEmpty();
    }

    private static String origin(String entry) {
        URI uri;
        try {
            uri = new URI(entry);
        } catch (URISyntaxException e) {
            uri = null;
        }
        boolean web = uri != null && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        if (!web || uri.getHost() == null || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("CORS origin '" + entry + "' is not an origin: write it as a browser "
                    + "sends it, scheme://host[:port] without a path (e.g. https://app.example.com or "
                    + "http://localhost:5173), or * for any page");
        }
        return entry.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return anyOrigin ? "*" : String.join(", ", origins);
    }
}
