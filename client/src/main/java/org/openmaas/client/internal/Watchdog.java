package org.openmaas.client.internal;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread per client that aborts reads which wait too long: the JDK HttpClient has a timeout for the
 * response headers but none between the pieces of a body.
 */
public final class Watchdog implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    public Watchdog() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "maas-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // one task per read: cancelled ones must not pile up
    }

    /** Runs {@code action} after {@code timeout} unless the returned future is cancelled first. */
    Future<?> schedule(Duration timeout, Runnable action) {
        return timer.schedule(action, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
