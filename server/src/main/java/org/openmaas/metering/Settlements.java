package org.openmaas.metering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.accounts.model.StoreUnavailableException;
import org.openmaas.store.MeteringStore;
import org.openmaas.store.MeteringStore.Completion;

/**
 * The settlements of requests that have ended, committed together {@link #WINDOW} after the first of them rather than
 * each before its response's end.
 *
 * <p>Clients in a closed loop send their next request when a stream ends, and the streams of one engine step end
 * together. Settled before their ends, their commits took the gateway's CPU while the clients' next requests waited
 * for it on their way to the engine, and the engine's slots stood idle the longer: {@code bench gateway} measured
 * llama-server's slots idle 5 ms a request longer through the gateway than straight, and about 1 ms with settlements
 * committed after the step's burst.
 *
 * <p>A settlement only ever gives room back (a stream ends, a reservation becomes the real count, which is no larger),
 * so an admission that reads the store before a settlement commits can only be stricter; one that would refuse
 * commits the ended settlements first and reads again ({@link Admission#admit}), and reads of usage commit them first
 * ({@link Admission#settleEnded}), so on this instance a client that has seen its stream end finds its record settled.
 * A crash within the window leaves those records open, and the next start marks them interrupted with the counts of
 * their last checkpoint, as it does the streams still running then.
 */
final class Settlements {

    /** How long the first ended request waits for those that end with it; longer than a step's burst of requests. */
    static final Duration WINDOW = Duration.ofMillis(10);
    private static final Logger LOG = Logger.getLogger(Settlements.class.getName());

    private final MeteringStore store;
    private final UsageJournal journal;
    private final Duration window;
    private final ReentrantLock committing = new ReentrantLock();
    private List<Completion> ended = new ArrayList<>(); // guarded by this
    private volatile long batches; // committed (or journalled) so far; written under committing

    Settlements(MeteringStore store, UsageJournal journal, Duration window) {
        this.store = store;
        this.journal = journal;
        this.window = window;
    }

    /** Takes a settlement to commit within the window; the first of a window starts its timer. */
    void add(Completion completion) {
        boolean first;
        synchronized (this) {
            first = ended.isEmpty();
            ended.add(completion);
        }
        if (first) {
            Thread.ofVirtual().name("settlements").start(this::commitAfterWindow);
        }
    }

    /** How many batches have been committed: what {@link #commitEnded(long)} compares with. */
    long batches() {
        return batches;
    }

    /**
     * Commits every settlement taken before this call, to the store or, where the store cannot take one, to the
     * journal; those another thread is committing already are waited for.
     *
     * @param since what {@link #batches()} read before the caller looked at the store
     * @return whether a batch has been committed since then
     */
    boolean commitEnded(long since) {
        committing.lock();
        try {
            List<Completion> batch;
            synchronized (this) {
                batch = ended;
                ended = new ArrayList<>();
            }
            if (!batch.isEmpty()) {
                commit(batch);
                batches++;
            }
            return batches != since;
        } finally {
            committing.unlock();
        }
    }

    private void commitAfterWindow() {
        try {
            Thread.sleep(window);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // commit at once instead
        }
        commitEnded(batches);
    }

    private void commit(List<Completion> batch) {
        try {
            store.complete(batch);
        } catch (StoreUnavailableException e) {
            batch.forEach(completion -> journal(completion, e));
        } catch (RuntimeException e) {
            // The failure may be one completion's, or a deadlock the database broke by rolling the batch back.
            for (Completion completion : batch) {
                try {
                    store.complete(completion);
                } catch (RuntimeException again) {
                    journal(completion, again);
                }
            }
        }
    }

    private void journal(Completion completion, RuntimeException why) {
        LOG.log(Level.WARNING, "usage record " + completion.requestId() + " could not reach the store ("
                + why.getMessage() + "); kept in the local journal until it can");
        try {
            journal.append(completion);
        } catch (RuntimeException e) {
            // append logged it; the record stays open and the next start marks it interrupted
        }
    }
}
