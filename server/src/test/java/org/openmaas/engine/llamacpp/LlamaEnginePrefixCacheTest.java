package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.EngineStats;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent.TokenGenerated;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.Generations.Outcome;

/** KV cells left by retired or running sequences, reused by later prompts; each test on an engine of its own. */
class LlamaEnginePrefixCacheTest {

    /** 80 tokens: BOS and word pieces of the generated model's vocabulary, no two alike in a row. */
    private static final int[] SYSTEM = IntStream.range(0, 80).map(i -> i == 0 ? GeneratedModel.BOS : 300 + i).toArray();

    @Test
    void aRepeatedPromptOnAnIdleEngineReusesAllButItsLastTokenAndGivesTheColdRunsGreedyTokens() throws Exception {
        int[] prompt = prompt(SYSTEM, 7, 8, 9);
        try (LlamaEngine engine = start(4, 1024)) {
            Outcome cold = run(engine, greedy(prompt, 40));
            assertThat(engine.stats()).isEqualTo(new EngineStats(1, 0, prompt.length, 0));

            Outcome warm = run(engine, greedy(prompt, 40));
            assertThat(engine.stats()).isEqualTo(new EngineStats(2, 1, 2L * prompt.length, prompt.length - 1));
            assertThat(warm.ids()).isEqualTo(cold.ids());
            assertThat(warm.finished().promptTokens()).isEqualTo(prompt.length);
        }
    }

    @Test
    void aPromptSharingAPrefixWithAnEarlierOneReusesExactlyTheSharedPartAndGivesItsColdTokens() throws Exception {
        int[] first = prompt(SYSTEM, 10, 11, 12, 13);
        int[] second = prompt(SYSTEM, 20, 21);
        Outcome cold;
        try (LlamaEngine engine = start(4, 1024)) {
            cold = run(engine, greedy(second, 40));
        }
        try (LlamaEngine engine = start(4, 1024)) {
            run(engine, greedy(first, 40));
            Outcome warm = run(engine, greedy(second, 40));

            assertThat(engine.stats().reusedPromptTokens()).isEqualTo(SYSTEM.length);
            assertThat(engine.stats().prefixCacheHits()).isEqualTo(1);
            assertThat(warm.ids()).isEqualTo(cold.ids());
        }
    }

    @Test
    void theCellsOfAConversationsLastTurnServeItsNextTurn() throws Exception {
        try (LlamaEngine engine = start(2, 1024)) {
            int[] turn = prompt(SYSTEM, 7);
            Outcome answer = run(engine, greedy(turn, 30));
            // The next prompt holds the whole previous turn: its prompt, and every answer token but the last, which
            // was sampled and never decoded.
            int[] next = IntStream.concat(IntStream.of(turn), answer.ids().stream().mapToInt(Integer::intValue)).toArray();
            long reusedBefore = engine.stats().reusedPromptTokens();

            run(engine, greedy(prompt(next, 40, 41), 10));
            assertThat(engine.stats().reusedPromptTokens() - reusedBefore).isEqualTo(next.length - 1);
        }
    }

    @Test
    void aCancelledSequenceLeavesItsCellsAndItsSlotServesTheNextRequest() throws Exception {
        int[] prompt = prompt(SYSTEM, 7, 8);
        try (LlamaEngine engine = startSlow(1)) {
            Generation cancelled = engine.submit(greedy(prompt, 900));
            assertThat(Generations.next(cancelled)).isInstanceOf(TokenGenerated.class);
            cancelled.cancel();

            Outcome next = run(engine, greedy(prompt, 5));
            assertThat(next.finished().reason()).isEqualTo(FinishReason.LENGTH);
            assertThat(engine.stats().prefixCacheHits()).isEqualTo(1);
            assertThat(engine.stats().reusedPromptTokens()).isEqualTo(prompt.length - 1);
        }
    }

    @Test
    void aPromptSharingARunningSequencesPrefixCopiesItsCellsAndGivesItsColdTokens() throws Exception {
        Outcome cold;
        try (LlamaEngine engine = startSlow(1)) {
            cold = run(engine, greedy(prompt(SYSTEM, 9), 5));
        }
        try (LlamaEngine engine = startSlow(2)) {
            Generation running = engine.submit(greedy(prompt(SYSTEM, 7, 8), 900));
            assertThat(Generations.next(running)).isInstanceOf(TokenGenerated.class);

            Outcome sharing = run(engine, greedy(prompt(SYSTEM, 9), 5));
            assertThat(engine.stats().reusedPromptTokens()).isEqualTo(SYSTEM.length);
            assertThat(sharing.ids()).isEqualTo(cold.ids());
            running.cancel();
        }
    }

    @Test
    void byDefaultARetiredSequenceKeepsAllItsCells() throws Exception {
        // A free slot's stream costs the running sequences nothing, so nothing bounds what it keeps.
        int[] prompt = prompt(SYSTEM, IntStream.range(0, 20).map(i -> 400 + i).toArray());
        try (LlamaEngine engine = LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.path(), 1024, 1, 4, 512, 8,
                null))) {
            run(engine, greedy(prompt, 10));
            run(engine, greedy(prompt, 10));

            assertThat(engine.stats().reusedPromptTokens()).isEqualTo(prompt.length - 1);
        }
    }

    @Test
    void reproducibleRequestsNeitherUseNorCountThePrefixCache() throws Exception {
        GenerationRequest reproducible = new GenerationRequest("reproducible", "acct", prompt(SYSTEM, 7), 10,
                Sampling.greedy(), List.of(), 0, true);
        try (LlamaEngine engine = start(2, 1024)) {
            run(engine, reproducible);
            run(engine, reproducible);

            assertThat(engine.stats()).isEqualTo(EngineStats.NONE);
        }
    }

    @Test
    void manyRequestsOfMixedLengthsTakingOverKeptAndCopiedCellsAllFinish() throws Exception {
        // 4 slots of 96 tokens (streams of 256 cells), which sequences of up to 96 tokens take over from each other's
        // kept cells and from running sequences' copies.
        try (LlamaEngine engine = start(4, 96)) {
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int length = 5 + (i * 37) % 60;
                int family = 260 + (i % 5) * 40; // prompts of one family share their first tokens
                int[] prompt = IntStream.range(0, length).map(j -> j == 0 ? GeneratedModel.BOS : family + j % 40).toArray();
                requests.add(greedy(prompt, 96 - length - i % 7));
            }
            List<Generation> generations = new ArrayList<>();
            for (GenerationRequest request : requests) {
                generations.add(engine.submit(request));
            }

            for (int i = 0; i < generations.size(); i++) {
                Outcome outcome = Generations.drain(generations.get(i));
                assertThat(outcome.finished().generatedTokens()).as("request %d", i).isEqualTo(outcome.tokens().size());
                if (outcome.finished().reason() == FinishReason.LENGTH) {
                    assertThat(outcome.tokens()).hasSize(requests.get(i).maxNewTokens());
                }
            }
            assertThat(engine.stats().prefixCacheHits()).isPositive();
            awaitIdle(engine);
        }
    }

    /** An engine whose free slots may keep all their cells, unlike the default budget for so small a model. */
    private static LlamaEngine start(int slots, int contextLength) throws Exception {
        return LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.path(), contextLength, 1, slots, 512, 32, null,
                contextLength * slots, 0));
    }

    private static LlamaEngine startSlow(int slots) throws Exception {
        return LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.slow(), 1024, 1, slots, 512, 8, null,
                1024 * slots, 0));
    }

    private static Outcome run(LlamaEngine engine, GenerationRequest request) {
        return Generations.drain(engine.submit(request));
    }

    private static GenerationRequest greedy(int[] prompt, int maxNewTokens) {
        return new GenerationRequest("test", "acct", prompt, maxNewTokens, Sampling.greedy(), List.of(), 0, false);
    }

    private static int[] prompt(int[] prefix, int... rest) {
        return IntStream.concat(IntStream.of(prefix), IntStream.of(rest)).toArray();
    }

    private static void awaitIdle(LlamaEngine engine) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (engine.load().active() > 0) {
            assertThat(Instant.now()).isBefore(deadline);
            Thread.sleep(5);
        }
    }
}
