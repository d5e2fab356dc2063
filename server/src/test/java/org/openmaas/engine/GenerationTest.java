package org.openmaas.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GenerationTest {

    private static final GenerationEvent FAILED =
            new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL, "for the test");

    private final Generation generation =
            new Generation(new GenerationRequest("r", "a", new int[] {1}, 1, Sampling.greedy(), List.of(), 0, false));

    @Test
    void aWakeUpEndsAWaitForTheNextEventWithoutOne() throws Exception {
        CompletableFuture<GenerationEvent> waiting = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                waiting.complete(generation.next());
            } catch (InterruptedException e) {
                waiting.completeExceptionally(e);
            }
        });

        generation.wakeUp();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void wakeUpsBeforeTheNextWaitEndItOnceAndThenTheEventsComeInOrder() throws Exception {
        generation.wakeUp();
        generation.wakeUp();
        generation.publish(FAILED);

        assertThat(generation.next()).isNull();
        assertThat(generation.next()).isSameAs(FAILED);
    }

    @Test
    void takeAndPollPassOverWakeUps() throws Exception {
        generation.wakeUp();
        generation.publish(FAILED);
        assertThat(generation.take()).isSameAs(FAILED);

        generation.wakeUp();
        assertThat(generation.poll(Duration.ofMillis(50))).isNull();
        generation.wakeUp();
        generation.publish(FAILED);
        assertThat(generation.poll(Duration.ZERO)).isSameAs(FAILED);
    }

    @Test
    void aWakeUpIsNoEventToHoldAFlushFor() {
        generation.wakeUp();
        assertThat(generation.hasEvents()).isFalse();
    }
}
