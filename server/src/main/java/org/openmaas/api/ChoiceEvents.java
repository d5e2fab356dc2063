package org.openmaas.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;

/**
 * The events of a request's generations (its choices) as one sequence, in the order they come, each with its choice's
 * index: one generation is read directly; several are each forwarded by a virtual thread of their own into one queue,
 * until their last event or {@link #close()}. Read by the request's thread only.
 *
 * <p>The reader waits without a timeout: one daemon thread wakes every open instance each {@link #WAKE_UP_EVERY}, so
 * that its reader can see whether a heartbeat is due. A timed wait per event cost the gateway a futex wake of the
 * virtual threads' timer thread for nearly every token it relayed (strace: 2.8 futex calls per token, 1.8 without).
 */
final class ChoiceEvents implements AutoCloseable {

    /** How often a waiting reader is woken: a heartbeat is written at most this long after it is due. */
    static final Duration WAKE_UP_EVERY = Duration.ofMillis(250);

    private static final Set<ChoiceEvents> OPEN = ConcurrentHashMap.newKeySet();

    static {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("maas-heartbeat-ticker").factory());
        long period = WAKE_UP_EVERY.toNanos();
        ticker.scheduleAtFixedRate(() -> OPEN.forEach(ChoiceEvents::wakeUp), period, period, TimeUnit.NANOSECONDS);
    }

    record Event(int choice, GenerationEvent event) {
    }

    /** Queued into {@link #merged} by {@link #wakeUp()}. */
    private static final Event WAKE_UP = new Event(-1, null);

    private final List<Generation> generations;
    private final LinkedBlockingQueue<Event> merged = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakeUpQueued = new AtomicBoolean();
    private final List<Thread> forwarders = new ArrayList<>();

    ChoiceEvents(List<Generation> generations) {
        this.generations = generations;
        if (generations.size() > 1) {
            for (int i = 0; i < generations.size(); i++) {
                int choice = i;
                forwarders.add(Thread.ofVirtual().name("maas-choice-" + i).start(() -> forward(choice)));
            }
        }
        OPEN.add(this);
    }

    /** The next event of any choice, or null when the reader was woken without one (at most every wake-up period). */
    Event next() throws InterruptedException {
        if (generations.size() == 1) {
            GenerationEvent event = generations.getFirst().next();
            return event == null ? null : new Event(0, event);
        }
        Event event = merged.take();
        if (event == WAKE_UP) {
            wakeUpQueued.set(false);
            return null;
        }
        return event;
    }

    private void wakeUp() {
        if (generations.size() == 1) {
            generations.getFirst().wakeUp();
        } else if (wakeUpQueued.compareAndSet(false, true)) {
            merged.add(WAKE_UP);
        }
    }

    private void forward(int choice) {
        try {
            GenerationEvent event;
            do {
                event = generations.get(choice).take();
                merged.add(new Event(choice, event));
            } while (event instanceof GenerationEvent.TokenGenerated);
        } catch (InterruptedException e) {
            // close(): the response has ended; a cancelled generation reports nothing more.
        }
    }

    /** Stops the forwarders still waiting (a choice that was cancelled, or a response that ended early). */
    @Override
    public void close() {
        OPEN.remove(this);
        forwarders.forEach(Thread::interrupt);
    }
}
