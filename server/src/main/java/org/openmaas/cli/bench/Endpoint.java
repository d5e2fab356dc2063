package org.openmaas.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.util.Iterator;

/**
 * A server {@code bench serve} loads, bound to the product or model every request asks for: the MaaS API, or any
 * OpenAI-compatible server. Either way a request is timed the same, so the two can be compared side by side.
 */
sealed interface Endpoint permits MaasEndpoint, OpenAiEndpoint {

    /** The kinds of request a mixed load sends, in the order each client goes round them. */
    enum Kind { STREAM, WHOLE, COMPLETION, CATALOG }

    /** The API base the requests go to, e.g. {@code http://localhost:8080/v1/maas}. */
    URI api();

    /** Which API this is, as the report names it, e.g. "OpenAI API". */
    String apiName();

    /** The product name (MaaS) or model id (OpenAI) every request asks for. */
    String target();

    /** Sends one request of {@code kind}; a failed request is reported in its {@link Timing}, not thrown. */
    Timing send(Kind kind, String prompt, int maxNewTokens) throws IOException, InterruptedException;

    /**
     * Reads what is left of a stream after its last event and returns {@code timing}, taken at that event: a real
     * client reads a stream to its end (the OpenAI Python SDK does), so that its connection goes back to the pool.
     * Closed before the end, the JDK's client closes the connection and the next request opens another: through the
     * gateway about one request in fourteen did, and the gateway's CPU went to accepting them.
     */
    static Timing drained(Iterator<String> rest, Timing timing) {
        while (rest.hasNext()) {
            rest.next();
        }
        return timing;
    }
}
