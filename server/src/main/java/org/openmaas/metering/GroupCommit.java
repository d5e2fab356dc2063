package org.openmaas.metering;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit: an item that arrives while as many transactions of items commit as may at once waits for one of them,
 * then goes in one transaction with every item that arrived meanwhile, run by the first of their threads.
 *
 * <p>Requests arrive and end together: every sequence of an engine's batch that reaches its token limit ends at the
 * same step, and their clients send their next requests at once. One transaction each, they commit one after another
 * on the database's writer (on the embedded H2 every commit writes its pages to the file), and the last waits for all
 * the others; under {@code bench gateway} the store took 39 % of the gateway's CPU, a third of it in those writes.
 * Admissions commit through it, their callers waiting; settlements, which no caller waits for, through
 * {@link Settlements}.
 *
 * @param <I> what one caller hands in
 * @param <O> what it gets back
 */
final class GroupCommit<I, O> {

    private final Function<List<I>, List<O>> together;
    private final Function<I, O> alone;
    private final int inFlight;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committed = lock.newCondition();
    private List<Pending> waiting = new ArrayList<>();
    private int committing;

    /**
     * @param together runs items in one transaction; returns their results in their order
     * @param alone    runs one item in a transaction of its own: after a batch of several failed, each item is tried
     *                 once more alone, for the failure may have been another's, or a deadlock the database broke by
     *                 rolling the batch back
     * @param inFlight how many batches may commit at once: 1 where the database writes one transaction at a time
     *                 (H2), more where transactions proceed side by side and each waits for its own flush
     */
    GroupCommit(Function<List<I>, List<O>> together, Function<I, O> alone, int inFlight) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be at least 1: " + inFlight);
        }
        this.together = together;
        this.alone = alone;
        this.inFlight = inFlight;
    }

    /**
     * Runs {@code item} in the next transaction and returns its result once that has committed.
     *
     * @throws RuntimeException what the store threw for it (nothing of it was written)
     */
    O run(I item) {
        Pending mine = new Pending(item);
        List<Pending> batch;
        lock.lock();
        try {
            waiting.add(mine);
            while (!mine.done && (mine.taken || committing == inFlight)) {
                committed.awaitUninterruptibly(); // a commit takes milliseconds, or the store's timeout at worst
            }
            if (mine.done) {
                return mine.result();
            }
            batch = waiting;
            waiting = new ArrayList<>();
            batch.forEach(pending -> pending.taken = true);
            committing++;
        } finally {
            lock.unlock();
        }
        try {
            commit(batch);
        } finally {
            lock.lock();
            try {
                committing--;
                committed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return mine.result();
    }

    private void commit(List<Pending> batch) {
        try {
            List<O> results = together.apply(batch.stream().map(pending -> pending.item).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result = results.get(i);
            }
        } catch (RuntimeException e) {
            batch.forEach(pending -> {
                pending.failure = e;
                pending.again = batch.size() > 1;
            });
        }
        batch.forEach(pending -> pending.done = true);
    }

    /** One item on its way: written by the thread that commits it, read by its own after the signal. */
    private final class Pending {

        private final I item;
        private boolean taken; // in a batch that commits now: its leader, not this thread, runs it
        private volatile boolean done; // written last: its result and failure are visible once it is seen
        private O result;
        private RuntimeException failure;
        private boolean again;

        private Pending(I item) {
            this.item = item;
        }

        private O result() {
            if (failure == null) {
                return result;
            }
            if (again) {
                return alone.apply(item);
            }
            throw failure;
        }
    }
}
