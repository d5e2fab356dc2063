package org.openmaas.metrics;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Generation requests refused before any work was done: the server not taking work, a client's limit, an engine's
 * full wait queue, an engine that is closing. A refusal is counted, not kept as a usage record (a flood of 429s would
 * fill the usage table with rows that bill nothing): per product and reason in the serving metrics
 * ({@code maas_refused_requests_total}), and per client here, in memory since this instance started, for
 * administrators to see who is being turned away.
 */
public final class Refusals {

    public static final String NOT_READY = "not_ready";
    public static final String QUEUE_FULL = "queue_full";
    public static final String ENGINE_CLOSED = "engine_closed";

    /** How many requests of a client for a product were refused for one reason. */
    public record Count(String clientId, String productName, String reason, long refused) {
    }

    private record Key(String clientId, String productName, String reason) {
    }

    private final ServingMetrics metrics;
    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();

    public Refusals(ServingMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Counts one refused request.
     *
     * @param reason one of this class's reasons, or the name of the client limit that refused it
     */
    public void count(String clientId, String productName, String reason) {
        metrics.refusedRequests(productName, reason).increment();
        counts.computeIfAbsent(new Key(clientId, productName, reason), key -> new LongAdder()).increment();
    }

    /** The counts of one client, or of every client when {@code clientId} is null, by client, product and reason. */
    public List<Count> counts(String clientId) {
        return counts.entrySet().stream()
                .filter(e -> clientId == null || e.getKey().clientId().equals(clientId))
                .map(e -> new Count(e.getKey().clientId(), e.getKey().productName(), e.getKey().reason(),
                        e.getValue().sum()))
                .sorted(Comparator.comparing(Count::clientId).thenComparing(Count::productName)
                        .thenComparing(Count::reason))
                .toList();
    }
}
