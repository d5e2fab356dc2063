package org.openmaas.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times one generation request as its stream is written: the first token gives the time to first token, every later
 * one an inter-token latency, the end the request's duration. Used by the request's own thread only.
 */
public final class GenerationTimer {

    private final ServingMetrics metrics;
    private final String product;
    private final long startedAt;
    private final Timer interTokenLatency; // looked up once: token() runs for every token of the stream
    private long lastTokenAt;

    GenerationTimer(ServingMetrics metrics, String product, long startedAt) {
        this.metrics = metrics;
        this.product = product;
        this.startedAt = startedAt;
        this.interTokenLatency = metrics.interTokenLatency(product);
    }

    /** A token reached the client's stream; {@code queueWait} is how long the request waited for a slot. */
    public void token(Duration queueWait) {
        long now = System.nanoTime();
        if (lastTokenAt == 0) {
            metrics.timeToFirstToken(product).record(now - startedAt, TimeUnit.NANOSECONDS);
            metrics.queueWait(product).record(queueWait);
        } else {
            interTokenLatency.record(now - lastTokenAt, TimeUnit.NANOSECONDS);
        }
        lastTokenAt = now;
    }

    /** The request ended: {@code outcome} is a finish reason, "cancelled" or "failed". */
    public void end(String outcome, int promptTokens, int generatedTokens) {
        metrics.requestDuration(product).record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS);
        metrics.promptTokens(product).increment(promptTokens);
        metrics.generatedTokens(product).increment(generatedTokens);
        metrics.requests(product, outcome).increment();
    }
}
