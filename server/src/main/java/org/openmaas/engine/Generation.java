package org.openmaas.engine;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running generation as its caller sees it: a queue of events the engine thread fills and the request thread
 * drains, so a slow client never stalls the engine. The queue is unbounded (at most max_new_tokens + 1 events, and
 * one {@linkplain #wakeUp() wake-up}).
 */
public final class Generation {

    /** Queued by {@link #wakeUp()}: ends the caller's wait in {@link #next()} without an event. */
    private static final Object WAKE_UP = new Object();

    private final GenerationRequest request;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>(); // GenerationEvents and WAKE_UP
    private final AtomicBoolean wakeUpQueued = new AtomicBoolean();
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
        long deadline = System.nanoTime() + timeout.toNanos();
        Object next;
        do {
            next = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } while (isWakeUp(next));
        return (GenerationEvent) next;
    }

    /** Next event, waiting as long as it takes. */
    public GenerationEvent take() throws InterruptedException {
        Object next;
        do {
            next = events.take();
        } while (isWakeUp(next));
        return (GenerationEvent) next;
    }

    /**
     * Next event, waiting until one comes or {@link #wakeUp()} is called; null when woken without one. For a caller
     * that must also act on time (a heartbeat) but not pay a timed wait for every event: a virtual thread's timed park
     * goes through the scheduler's timer thread twice (set and cancel), a futex wake and a context switch each.
     */
    public GenerationEvent next() throws InterruptedException {
        Object next = events.take();
        return isWakeUp(next) ? null : (GenerationEvent) next;
    }

    /** Ends a wait in {@link #next()} without an event, or the next one's when none waits now. */
    public void wakeUp() {
        if (wakeUpQueued.compareAndSet(false, true)) {
            events.add(WAKE_UP);
        }
    }

    private boolean isWakeUp(Object next) {
        if (next != WAKE_UP) {
            return false;
        }
        wakeUpQueued.set(false);
        return true;
    }

    /** Whether an event is waiting to be taken, so a streamer may hold its flush for it. */
    public boolean hasEvents() {
        Object head = events.peek();
        return head != null && head != WAKE_UP;
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
