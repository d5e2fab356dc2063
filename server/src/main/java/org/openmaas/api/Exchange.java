package org.openmaas.api;

import java.util.UUID;

/**
 * What the access log needs to know about one request, filled in as the request moves along its path. Never holds
 * secrets, tokens or prompt text.
 */
public final class Exchange {

    private final String requestId = UUID.randomUUID().toString();
    private final long startedAt = System.nanoTime();
    private volatile String clientId = "-";
    private volatile String product = "-";
    private volatile int promptTokens;
    private volatile int generatedTokens;
    private volatile String outcome = "-";

    public String requestId() {
        return requestId;
    }

    /** {@link System#nanoTime()} when the request arrived. */
    public long startedAt() {
        return startedAt;
    }

    public void client(String clientId) {
        this.clientId = clientId;
    }

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

    String line(String method, String path, int status, long durationMillis) {
        return "request_id=" + requestId + " method=" + method + " path=" + path + " status=" + status
                + " client=" + clientId + " product=" + product + " prompt_tokens=" + promptTokens
                + " generated_tokens=" + generatedTokens + " outcome=" + outcome + " duration_ms=" + durationMillis;
    }
}
