package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;

/** Waiting requests reach the engine round-robin across accounts, on the real engine. */
class LlamaEngineFairnessTest {

    @Test
    void oneAccountsBurstDoesNotMakeAnotherAccountWaitBehindIt() throws Exception {
        try (LlamaEngine engine = LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.slow(), 0, 1, 1, 64,
                16, null))) {
            int[] prompt = engine.tokenize("Once upon a time", false);
            // Holds the only slot until cancelled: a thousand tokens of the slow model take seconds, the burst below
            // microseconds, so every request waits before any is admitted (the order below is the queue's alone).
            Generation blocker = engine.submit(request("blocker", "a", prompt, 1000));
            assertThat(Generations.next(blocker)).isInstanceOf(GenerationEvent.TokenGenerated.class);
            List<Generation> burst = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                burst.add(engine.submit(request("a" + i, "a", prompt, 3)));
            }
            Generation other = engine.submit(request("b1", "b", prompt, 3));
            assertThat(engine.load().queued()).isEqualTo(5);

            blocker.cancel();

            List<Generation> waited = List.of(burst.get(0), burst.get(1), burst.get(2), burst.get(3), other);
            waited.forEach(g -> assertThat(Generations.drain(g).end()).isInstanceOf(GenerationEvent.Finished.class));
            List<String> admitted = Stream.concat(Stream.of(blocker), waited.stream())
                    .sorted(Comparator.comparingLong(Generation::admittedAtNanos))
                    .map(g -> g.request().requestId()).toList();
            // One slot: the blocker, then a1 (a's turn came first), then b1, then the rest of a's burst.
            assertThat(admitted).containsExactly("blocker", "a1", "b1", "a2", "a3", "a4");
        }
    }

    private static GenerationRequest request(String id, String account, int[] prompt, int maxNewTokens) {
        return new GenerationRequest(id, account, prompt, maxNewTokens, Sampling.greedy(), List.of(), 0, false);
    }
}
