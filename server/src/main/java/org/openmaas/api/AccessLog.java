package org.openmaas.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * One record per request, a JSON object on one line (see {@link Exchange#record}): request id, method, path, status,
 * client (authenticated, or only claimed), product, prompt and generated tokens, outcome, duration. Paths are logged
 * without their query (and the console's invite tokens); nothing else from headers or bodies is, and what a client
 * sent is always inside a JSON string, so it cannot forge a record.
 */
public final class AccessLog implements Filter {

    private static final Logger LOG = Logger.getLogger("org.openmaas.access");
    private static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-ID");
    private static final Pattern INVITE_TOKEN = Pattern.compile("^(/console/invite/|/console/api/invites/)[^/]+");

    /** The exchange record of {@code request}, created by this filter before any handler runs. */
    public static Exchange exchange(ServerRequest request) {
        return request.context().get(Exchange.class)
                .orElseThrow(() -> new IllegalStateException("the access log filter is not installed"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        Exchange exchange = new Exchange();
        req.context().register(exchange);
        res.header(REQUEST_ID, exchange.requestId());
        try {
            chain.proceed();
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.info(exchange.record(req.prologue().method().text(), redacted(req.path().path()), res.status().code(),
                    millis));
        }
    }

    /** The path without the secrets some paths carry: the console's invite tokens. */
    static String redacted(String path) {
        return INVITE_TOKEN.matcher(path).replaceFirst("$1<token>");
    }
}
