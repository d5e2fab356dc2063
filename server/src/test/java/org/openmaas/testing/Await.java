package org.openmaas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waiting in tests for what another thread does: polls a condition until it holds, failing after 20 seconds. */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition within 20 s").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
