package org.openmaas.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The bounded wait queue of one engine: FIFO within an account, round-robin across accounts, so one account's burst
 * cannot starve another. Request threads offer; the engine thread takes. Cancelled requests leave without ever
 * reaching the engine. Shared by the embedded engine and the pool of an engine elsewhere.
 */
public final class FairQueue {

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Map<String, ArrayDeque<Generation>> byAccount = new HashMap<>();
    private final ArrayDeque<String> rotation = new ArrayDeque<>(); // accounts with waiting requests, next turn first
    private int size;

    public FairQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code generation} at the end of its account's line; false when the queue is full. */
    public boolean offer(Generation generation) {
        lock.lock();
        try {
            if (size >= capacity) {
                return false;
            }
            String account = generation.request().account();
            ArrayDeque<Generation> line = byAccount.get(account);
            if (line == null) {
                line = new ArrayDeque<>();
                byAccount.put(account, line);
                rotation.addLast(account);
            }
            line.addLast(generation);
            size++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until some request waits, without taking it. */
    public void awaitNotEmpty() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                notEmpty.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next request by round robin: the account whose turn it is gives its oldest request that {@code eligible}
     * accepts, then goes to the back of the rotation. Null when no waiting request is eligible.
     */
    public Generation pollNext(Predicate<Generation> eligible) {
        lock.lock();
        try {
            for (int turns = rotation.size(); turns > 0; turns--) {
                String account = rotation.pollFirst();
                ArrayDeque<Generation> line = byAccount.get(account);
                Generation next = removeFirst(line, eligible);
                if (line.isEmpty()) {
                    byAccount.remove(account);
                } else {
                    rotation.addLast(account);
                }
                if (next != null) {
                    size--;
                    return next;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Drops waiting requests whose client went away; they never reach the engine. */
    public void removeCancelled() {
        removeIf(Generation::isCancelled);
    }

    public boolean remove(Generation generation) {
        return removeIf(g -> g == generation) > 0;
    }

    /** Takes every waiting request out, oldest first within each account. */
    public List<Generation> drain() {
        lock.lock();
        try {
            List<Generation> all = new ArrayList<>(size);
            for (String account : rotation) {
                all.addAll(byAccount.get(account));
            }
            byAccount.clear();
            rotation.clear();
            size = 0;
            return all;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private int removeIf(Predicate<Generation> doomed) {
        lock.lock();
        try {
            int removed = 0;
            for (Iterator<String> accounts = rotation.iterator(); accounts.hasNext(); ) {
                String account = accounts.next();
                ArrayDeque<Generation> line = byAccount.get(account);
                int before = line.size();
                line.removeIf(doomed);
                removed += before - line.size();
                if (line.isEmpty()) {
                    byAccount.remove(account);
                    accounts.remove();
                }
            }
            size -= removed;
            return removed;
        } finally {
            lock.unlock();
        }
    }

    private static Generation removeFirst(ArrayDeque<Generation> line, Predicate<Generation> eligible) {
        for (Iterator<Generation> it = line.iterator(); it.hasNext(); ) {
            Generation candidate = it.next();
            if (eligible.test(candidate)) {
                it.remove();
                return candidate;
            }
        }
        return null;
    }
}
