package org.openmaas.metering;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.openmaas.store.MeteringStore;
import org.openmaas.store.MeteringStore.Completion;

/**
 * One admitted request's claim on its limits, settled exactly once with the request's real counts: when it finished,
 * was cancelled or failed. Settling hands the usage record's completion to {@link Settlements}, which commits it a
 * moment later with those of the requests that ended with it (to the store, or to the local journal while the store
 * is unreachable); the response's end need not wait for it.
 */
public final class Ticket {

    static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(2);
    /** After a checkpoint fails (the store is away), the stream goes on without trying again for this long. */
    static final Duration CHECKPOINT_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(Ticket.class.getName());

    private final String requestId;
    private final MeteringStore store;
    private final Settlements settlements;
    private final Clock clock;
    private final Instant admittedAt;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Long timeToFirstTokenMs;
    private volatile Instant nextCheckpoint;

    Ticket(String requestId, MeteringStore store, Settlements settlements, Clock clock) {
        this.requestId = requestId;
        this.store = store;
        this.settlements = settlements;
        this.clock = clock;
        this.admittedAt = clock.instant();
        this.nextCheckpoint = admittedAt.plus(CHECKPOINT_EVERY);
    }

    public String requestId() {
        return requestId;
    }

    /**
     * Notes that {@code generatedTokens} tokens have been sent so far; the first call fixes the time to first token.
     * The count reaches the store {@link #CHECKPOINT_EVERY} after admission and as often after that, so that a crash
     * leaves what was known but for the last seconds. Not at the first token: that was one more transaction for every
     * request, and on the path of its first token, while most requests settle within those seconds anyway (the
     * settlement writes the time to first token).
     */
    public void progress(int generatedTokens) {
        Instant now = clock.instant();
        if (timeToFirstTokenMs == null) {
            timeToFirstTokenMs = millisSince(now);
        }
        if (!now.isBefore(nextCheckpoint)) {
            nextCheckpoint = now.plus(CHECKPOINT_EVERY);
            try {
                store.checkpoint(requestId, generatedTokens, timeToFirstTokenMs);
            } catch (RuntimeException e) {
                LOG.fine("usage checkpoint of " + requestId + " not written: " + e.getMessage());
                nextCheckpoint = now.plus(CHECKPOINT_BACKOFF);
            }
        }
    }

    /** The generation ended normally; {@code finishReason} as the wire names it. */
    public void finished(int promptTokens, int generatedTokens, String finishReason) {
        settle(MeteringStore.FINISHED, finishReason, null, promptTokens, generatedTokens);
    }

    /** The client went away, or the server stopped the request. */
    public void cancelled(int generatedTokens) {
        settle(MeteringStore.CANCELLED, null, null, null, generatedTokens);
    }

    /** The generation failed, or it never reached the engine ({@code generatedTokens} 0). */
    public void failed(int generatedTokens, String message) {
        settle(MeteringStore.FAILED, null, message, null, generatedTokens);
    }

    /**
     * The request was refused before any work was done (the engine took no more): its record is withdrawn, as if it
     * had never been admitted, for a refusal is counted in metrics, not billed. When the store cannot be reached the
     * record is settled as failed instead, through the journal, so that it does not stay open.
     */
    public void withdraw(String reason) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        try {
            store.withdraw(requestId);
        } catch (RuntimeException e) {
            settlements.add(completion(MeteringStore.FAILED, null, "not started: " + reason, null, 0));
        }
    }

    public boolean isSettled() {
        return settled.get();
    }

    private void settle(String status, String finishReason, String error, Integer promptTokens, int generatedTokens) {
        if (settled.compareAndSet(false, true)) {
            settlements.add(completion(status, finishReason, error, promptTokens, generatedTokens));
        }
    }

    private Completion completion(String status, String finishReason, String error, Integer promptTokens,
                                  int generatedTokens) {
        Instant now = clock.instant();
        return new Completion(requestId, status, finishReason, error, promptTokens, generatedTokens,
                timeToFirstTokenMs, millisSince(now), now);
    }

    private long millisSince(Instant now) {
        return Math.max(0, Duration.between(admittedAt, now).toMillis());
    }
}
