package org.openmaas.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;

/**
 * The events of a request's generations (its choices) as one sequence, in the order they come, each with its choice's
 * index: one generation is read directly; several are each forwarded by a virtual thread of their own into one queue,
 * until their last event or {@link #close()}. Read by the request's thread only.
 */
final class ChoiceEvents implements AutoCloseable {

    record Event(int choice, GenerationEvent event) {
    }

    private final List<Generation> generations;
    private final LinkedBlockingQueue<Event> merged = new LinkedBlockingQueue<>();
    private final List<Thread> forwarders = new ArrayList<>();

    ChoiceEvents(List<Generation> generations) {
        this.generations = generations;
        if (generations.size() > 1) {
            for (int i = 0; i < generations.size(); i++) {
                int choice = i;
                forwarders.add(Thread.ofVirtual().name("maas-choice-" + i).start(() -> forward(choice)));
            }
        }
    }

    /** The next event of any choice, waiting at most {@code timeout}; null when none came in time. */
    Event poll(Duration timeout) throws InterruptedException {
        if (generations.size() == 1) {
            GenerationEvent event = generations.getFirst().poll(timeout);
            return event == null ? null : new Event(0, event);
        }
        return merged.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
        forwarders.forEach(Thread::interrupt);
    }
}
