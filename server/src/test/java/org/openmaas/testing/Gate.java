package org.openmaas.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A point a scripted generation cannot pass until the test opens it: the generation is then running, for as long as the
 * test needs, whatever the machine's speed. Opening is for good; a gate serves every generation that reaches it.
 */
public final class Gate {

    /** How long a test waits for a generation to reach a gate before it fails. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    public void open() {
        opened.countDown();
    }

    /** Waits until a generation holds at this gate. */
    public void awaitReached() throws InterruptedException {
        if (!reached.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no generation reached the gate within " + PATIENCE.toSeconds() + " s");
        }
    }

    void arrive() {
        reached.countDown();
    }

    boolean awaitOpen(Duration timeout) throws InterruptedException {
        return opened.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
