package org.openmaas.engine;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running generation as its caller sees it: a queue of events the engine thread fills and the request thread
 * drains, so a slow client never stalls the engine. The queue is unbounded (at most max_new_tokens + 1 events).
 */
public final class Generation {

    private final GenerationRequest request;
    private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private final long submittedAt = System.nanoTime();
    private volatile long admittedAt;
    private volatile boolean cancelled;
    /** What the engine runs once when the caller cancels; {@link #CANCELLED} once that has happened. */
    private final AtomicReference<Runnable> onCancel = new AtomicReference<>(NOTHING);

    private static final Runnable NOTHING = () -> { };
    private static final Runnable CANCELLED = () -> { };

    public Generation(GenerationRequest request) {
        this.request = request;
    }

    public GenerationRequest request() {
        return request;
    }

    /** Next event, waiting at most {@code timeout}; null when none arrived in time. */
    public GenerationEvent poll(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Next event, waiting as long as it takes. */
    public GenerationEvent take() throws InterruptedException {
        return events.take();
    }

    /** Whether an event is waiting to be taken, so a streamer may hold its flush for it. */
    public boolean hasEvents() {
        return !events.isEmpty();
    }

    /** Asks the engine to stop this generation and free its slot at its next step; no further events follow. */
    public void cancel() {
        cancelled = true;
        onCancel.getAndSet(CANCELLED).run();
    }

    /**
     * Lets the engine act at once when the caller cancels, instead of noticing the flag at its next step (an engine
     * elsewhere has no step here: it closes the upstream request). Runs {@code hook} at once when the generation is
     * already cancelled. One hook per generation.
     */
    public void onCancel(Runnable hook) {
        Runnable previous = onCancel.compareAndExchange(NOTHING, hook);
        if (previous == CANCELLED) {
            hook.run();
        } else if (previous != NOTHING) {
            throw new IllegalStateException("a generation takes one cancel hook");
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Time spent waiting for a slot; zero until the engine admits the generation. */
    public Duration queueWait() {
        long admitted = admittedAt;
        return admitted == 0 ? Duration.ZERO : Duration.ofNanos(admitted - submittedAt);
    }

    /** {@link System#nanoTime()} when the engine admitted the generation; 0 while it waits. */
    public long admittedAtNanos() {
        return admittedAt;
    }

    /** Called by the engine thread when the generation gets a slot. */
    public void markAdmitted() {
        admittedAt = System.nanoTime();
    }

    /** Called by the engine thread only. */
    public void publish(GenerationEvent event) {
        events.add(event);
    }
}
