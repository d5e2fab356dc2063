package org.openmaas.server;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes the connection after a response that says {@code Connection: close}, as that header promises (RFC 9112
 * §9.6). Helidon 4 sends the header, for a request that carried it, but then waits on the socket for another request
 * until its idle timeout (helidon-io/helidon#12324), so a client reading to the end of the response hangs that long.
 * Helidon closes the socket, after writing what was sent, when routing ends with {@link CloseConnectionException}.
 */
final class ConnectionClose implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            res.commit();
            throw new CloseConnectionException("the response said Connection: close");
        }
    }
}
