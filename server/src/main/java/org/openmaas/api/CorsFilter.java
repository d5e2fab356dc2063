package org.openmaas.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;

/**
 * CORS (the Fetch standard's protocol) for the routes a browser page may call: the token endpoint, the MaaS and
 * OpenAI-compatible APIs and {@code /openapi.json} — not the admin API, nor health and metrics. A request from an
 * allowed origin gets {@code Access-Control-Allow-Origin}; its preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) is answered here with 204, the methods these routes take and the headers it
 * asks for (the origin is what is restricted; a header cannot let a page do more than its bearer token allows). A
 * request from any other origin gets no CORS header at all, so the browser keeps the response from the page; its
 * preflight falls through to the routes, which do not take {@code OPTIONS}. No {@code Allow-Credentials}: the APIs
 * authenticate with bearer tokens, never cookies.
 */
public final class CorsFilter implements Filter {

    static final String ALLOWED_METHODS = "GET, POST, DELETE";
    /** How long a browser may reuse a preflight's answer. */
    static final String MAX_AGE_SECONDS = "600";
    /** What a page may read besides the CORS-safelisted headers: the request id to quote, and when to retry. */
    static final String EXPOSED_HEADERS = "X-Request-ID, Retry-After";

    private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");
    private static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");
    private static final HeaderName ALLOW_ORIGIN = HeaderNames.create("Access-Control-Allow-Origin");
    private static final HeaderName ALLOW_METHODS = HeaderNames.create("Access-Control-Allow-Methods");
    private static final HeaderName ALLOW_HEADERS = HeaderNames.create("Access-Control-Allow-Headers");
    private static final HeaderName EXPOSE_HEADERS = HeaderNames.create("Access-Control-Expose-Headers");
    private static final HeaderName MAX_AGE = HeaderNames.create("Access-Control-Max-Age");

    private final CorsOrigins origins;

    public CorsFilter(CorsOrigins origins) {
        this.origins = origins;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        String path = req.path().path();
        if (origin.isEmpty() || !forBrowsers(path)) {
            chain.proceed();
            return;
        }
        // Caches must keep answers for different origins apart, also those that got no CORS header.
        res.header(HeaderNames.VARY, "Origin");
        if (!origins.allows(origin.get())) {
            chain.proceed();
            return;
        }
        res.header(ALLOW_ORIGIN, origins.anyOrigin() ? "*" : origin.get());
        if (req.prologue().method() == Method.OPTIONS && req.headers().contains(REQUEST_METHOD)) {
            res.header(ALLOW_METHODS, ALLOWED_METHODS);
            req.headers().first(REQUEST_HEADERS).ifPresent(asked -> res.header(ALLOW_HEADERS, asked));
            res.header(MAX_AGE, MAX_AGE_SECONDS);
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        res.header(EXPOSE_HEADERS, EXPOSED_HEADERS);
        chain.proceed();
    }

    /** The routes a browser page may call. */
    static boolean forBrowsers(String path) {
        return path.equals("/oauth2/token") || path.equals("/openapi.json")
                || (path.startsWith("/v1/") && !path.startsWith("/v1/admin/"));
    }
}
