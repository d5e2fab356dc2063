package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent.Failed;
import org.openmaas.engine.GenerationEvent.TokenGenerated;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.Generations.Outcome;

/**
 * Several sequences, slots and the wait queue, each test on an engine of its own over a generated model; a slow one
 * where the test acts while a generation is still running.
 */
class LlamaEngineSchedulingTest {

    @Test
    void cancellingAGenerationFreesItsSlotForTheNextRequest() throws Exception {
        try (LlamaEngine engine = startSlow(1, 4)) {
            Generation long_ = engine.submit(request(engine, "long", Sampling.greedy(), 1000));
            assertThat(Generations.next(long_)).isInstanceOf(TokenGenerated.class);

            long_.cancel();
            awaitLoad(engine, load -> load.active() == 0 && load.queued() == 0);

            Outcome next = Generations.drain(engine.submit(request(engine, "next", Sampling.greedy(), 20)));
            assertThat(next.finished().reason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void aCancelledRequestStillWaitingGivesUpItsPlaceInTheQueue() throws Exception {
        try (LlamaEngine engine = startSlow(1, 4)) {
            Generation running = engine.submit(request(engine, "running", Sampling.greedy(), 1000));
            assertThat(Generations.next(running)).isInstanceOf(TokenGenerated.class);
            Generation waiting = engine.submit(request(engine, "waiting", Sampling.greedy(), 20));

            waiting.cancel();
            awaitLoad(engine, load -> load.active() == 1 && load.queued() == 0);
            running.cancel();
        }
    }

    @Test
    void aLongPromptGoesInPrefillChunksWhileAnotherSequenceKeepsGenerating() throws Exception {
        try (LlamaEngine engine = LlamaEngine.start(
                new LlamaEngine.Config(GeneratedModel.path(), 1024, 1, 2, 512, 4, null, -1, 16))) {
            Generation generating = engine.submit(request(engine, "generating", Sampling.greedy(), 1000));
            assertThat(Generations.next(generating)).isInstanceOf(TokenGenerated.class);
            int[] prompt = new int[320];
            prompt[0] = GeneratedModel.BOS;
            for (int i = 1; i < prompt.length; i++) {
                prompt[i] = 300 + i % 200;
            }

            Outcome long_ = Generations.drain(engine.submit(
                    new GenerationRequest("long", "acct", prompt, 1, Sampling.greedy(), List.of(), 0, false)));

            // 1 + 16 prompt tokens a step, each with a token of the other sequence: 18 steps; then the last 14 alone.
            assertThat(long_.finished().reason()).isEqualTo(FinishReason.LENGTH);
            int generatedMeanwhile = 0;
            while (generating.poll(Duration.ZERO) != null) {
                generatedMeanwhile++;
            }
            assertThat(generatedMeanwhile).isGreaterThanOrEqualTo(18);
            generating.cancel();
        }
    }

    @Test
    void fourConcurrentSequencesAllFinishWithTheirOwnCountsAndText() throws Exception {
        try (LlamaEngine engine = start(4, 4)) {
            List<Generation> generations = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // EOS banned: a sampled sequence's tokens depend on what it was batched with, so without the ban
                // one could draw the generated model's EOS (id 2) before its length, as one run did.
                Sampling noEos = new Sampling(true, 1f, 0, 1f, 1f, 1f, 0f, 0f, 10L + i, Map.of(2, Sampling.BAN));
                generations.add(engine.submit(request(engine, "seq" + i, noEos, 60 + 30 * i)));
            }

            for (int i = 0; i < 4; i++) {
                Outcome outcome = Generations.drain(generations.get(i));
                assertThat(outcome.finished().reason()).isEqualTo(FinishReason.LENGTH);
                assertThat(outcome.finished().generatedTokens()).isEqualTo(60 + 30 * i).isEqualTo(outcome.tokens().size());
                assertThat(outcome.streamedText()).isEqualTo(outcome.finished().generatedText());
            }
            awaitLoad(engine, load -> load.active() == 0);
        }
    }

    @Test
    void moreRequestsThanSlotsWaitTheirTurnAndAllFinish() throws Exception {
        try (LlamaEngine engine = start(2, 8)) {
            List<Generation> generations = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                generations.add(engine.submit(request(engine, "seq" + i, sampling(1f, i), 40)));
            }

            for (Generation generation : generations) {
                assertThat(Generations.drain(generation).finished().generatedTokens()).isEqualTo(40);
            }
        }
    }

    @Test
    void aReproducibleRequestGivesTheSameTokensAloneAndWhileThreeOthersRun() throws Exception {
        try (LlamaEngine engine = start(4, 4)) {
            GenerationRequest reproducible = reproducible(engine, 77L);
            Outcome alone = Generations.drain(engine.submit(reproducible));

            List<Generation> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                others.add(engine.submit(new GenerationRequest("other" + i, "acct", engine.tokenize("A cat sat", false),
                        600, sampling(1f, i), List.of(), 0, false)));
            }
            for (Generation other : others) {
                assertThat(Generations.next(other)).isInstanceOf(TokenGenerated.class);
            }
            Outcome underLoad = Generations.drain(engine.submit(reproducible));

            // Not only the same tokens: the same logprobs and alternatives, to the last bit.
            assertThat(underLoad.tokens()).isEqualTo(alone.tokens());
            others.forEach(Generation::cancel);
        }
    }

    @Test
    void twoReproducibleRequestsAtOnceRunOneAfterTheOtherWithTheirAloneResults() throws Exception {
        try (LlamaEngine engine = start(4, 4)) {
            Outcome first = Generations.drain(engine.submit(reproducible(engine, 1L)));
            Outcome second = Generations.drain(engine.submit(reproducible(engine, 2L)));

            Generation firstAgain = engine.submit(reproducible(engine, 1L));
            Generation secondAgain = engine.submit(reproducible(engine, 2L));
            Generation shared = engine.submit(request(engine, "shared", Sampling.greedy(), 50));

            assertThat(Generations.drain(firstAgain).tokens()).isEqualTo(first.tokens());
            assertThat(Generations.drain(secondAgain).tokens()).isEqualTo(second.tokens());
            assertThat(Generations.drain(shared).finished().generatedTokens()).isEqualTo(50);
        }
    }

    @Test
    void aFullQueueRefusesWithEngineOverloaded() throws Exception {
        try (LlamaEngine engine = startSlow(1, 1)) {
            Generation running = engine.submit(request(engine, "running", Sampling.greedy(), 1000));
            assertThat(Generations.next(running)).isInstanceOf(TokenGenerated.class);
            Generation waiting = engine.submit(request(engine, "waiting", Sampling.greedy(), 10));

            assertThat(engine.load()).isEqualTo(new EngineLoad(1, 1, 1));
            assertThatThrownBy(() -> engine.submit(request(engine, "refused", Sampling.greedy(), 10)))
                    .isInstanceOf(EngineOverloadedException.class);
            running.cancel();
            waiting.cancel();
        }
    }

    @Test
    void closeFailsRunningAndWaitingGenerations() throws Exception {
        LlamaEngine engine = startSlow(1, 4);
        Generation running = engine.submit(request(engine, "running", Sampling.greedy(), 1000));
        assertThat(Generations.next(running)).isInstanceOf(TokenGenerated.class);
        Generation waiting = engine.submit(request(engine, "waiting", Sampling.greedy(), 10));

        engine.close();

        assertThat(Generations.drain(running).end()).isEqualTo(new Failed(Failed.Cause.STOPPING, "the server is shutting down"));
        assertThat(Generations.next(waiting)).isEqualTo(new Failed(Failed.Cause.STOPPING, "the server is shutting down"));
        assertThat(engine.load()).isEqualTo(new EngineLoad(0, 0, 1));
    }

    @Test
    void aClosedEngineRefusesNewWork() throws Exception {
        LlamaEngine engine = start(1, 4);
        engine.close();

        assertThatThrownBy(() -> engine.submit(new GenerationRequest("late", "acct", new int[] {1}, 5, Sampling.greedy(),
                List.of(), 0, false))).isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(() -> engine.tokenize("Once", false)).isInstanceOf(EngineClosedException.class);
    }

    @Test
    void closingAnIdleEngineTwiceIsHarmless() throws Exception {
        LlamaEngine engine = start(2, 4);
        engine.close();
        engine.close();

        assertThat(engine.load().active()).isZero();
    }

    private static LlamaEngine start(int slots, int maxQueued) throws Exception {
        return LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.path(), 1024, 1, slots, 512, maxQueued, null));
    }

    private static LlamaEngine startSlow(int slots, int maxQueued) throws Exception {
        return LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.slow(), 1024, 1, slots, 512, maxQueued, null));
    }

    private static GenerationRequest request(LlamaEngine engine, String id, Sampling sampling, int maxNewTokens) {
        return new GenerationRequest(id, "acct", engine.tokenize("Once upon a time", false), maxNewTokens, sampling, List.of(), 0, false);
    }

    private static GenerationRequest reproducible(LlamaEngine engine, long seed) {
        return new GenerationRequest("reproducible" + seed, "acct", engine.tokenize("Once upon a time", false), 200,
                sampling(1f, seed), List.of(), 2, true);
    }

    private static Sampling sampling(float temperature, long seed) {
        return new Sampling(true, temperature, 0, 1f, 1f, 1f, 0f, seed);
    }

    private static void awaitLoad(LlamaEngine engine, Predicate<EngineLoad> condition)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.test(engine.load())) {
            assertThat(Instant.now()).as("load %s", engine.load()).isBefore(deadline);
            Thread.sleep(5);
        }
    }
}
