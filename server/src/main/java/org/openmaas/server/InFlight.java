package org.openmaas.server;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Counts requests being handled, so a stopping server can let the last stream lines out before it closes sockets. */
final class InFlight implements Filter {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition none = lock.newCondition();
    private int count;

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        change(+1);
        try {
            chain.proceed();
        } finally {
            change(-1);
        }
    }

    /** Waits until no request is being handled, at most {@code timeout}. */
    void awaitNone(Duration timeout) {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (count > 0 && nanos > 0) {
                nanos = none.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void change(int delta) {
        lock.lock();
        try {
            count += delta;
            if (count == 0) {
                none.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
