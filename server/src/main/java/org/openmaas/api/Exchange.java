package org.openmaas.api;

import org.openmaas.metering.RequestIds;

/**
 * What the access log needs to know about one request, filled in as the request moves along its path. Never holds
 * secrets, tokens or prompt text. What is not known stays null. A client id is {@link #client} only once it has
 * authenticated, and a product only once validation has found it in the catalog: until then the access log must not
 * present a caller's claim as a fact.
 */
public final class Exchange {

    private final String requestId = RequestIds.next();
    private final long startedAt = System.nanoTime();
    private volatile String clientId;
    private volatile String claimedClientId;
    private volatile String product;
    private volatile int promptTokens;
    private volatile int generatedTokens;
    private volatile String outcome;

    public String requestId() {
        return requestId;
    }

    /** {@link System#nanoTime()} when the request arrived. */
    public long startedAt() {
        return startedAt;
    }

    /** The client that authenticated. */
    public void client(String clientId) {
        this.clientId = clientId;
    }

    /** The client a request names before it has authenticated (the token request's {@code client_id}). */
    public void claimedClient(String clientId) {
        this.claimedClientId = clientId;
    }

    /** The product validation found in the catalog. */
    public void product(String product) {
        this.product = product;
    }

    public String product() {
        return product;
    }

    public void tokens(int promptTokens, int generatedTokens) {
        this.promptTokens = promptTokens;
        this.generatedTokens = generatedTokens;
    }

    /** How a generation ended (finish reason, cancelled, failed), for streams whose HTTP status is already 200. */
    public void outcome(String outcome) {
        this.outcome = outcome;
    }

    /** The access log record: one JSON object on one line, whatever the request carried. */
    String record(String method, String path, int status, long durationMillis) {
        return new LogJson().add("request_id", requestId).add("method", method).add("path", path)
                .add("status", status).add("client", clientId).add("claimed_client", claimedClientId)
                .add("product", product).add("prompt_tokens", promptTokens).add("generated_tokens", generatedTokens)
                .add("outcome", outcome).add("duration_ms", durationMillis).toString();
    }
}
