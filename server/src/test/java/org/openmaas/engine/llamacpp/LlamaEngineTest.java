package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent.Finished;
import org.openmaas.engine.GenerationEvent.TokenGenerated;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.llamacpp.Generations.Outcome;

/**
 * Generation one request at a time on a shared engine, on a generated model: what holds for any model. What only
 * stories260K's training makes true is in {@link StoriesEngineTest}.
 */
class LlamaEngineTest {

    private static LlamaEngine engine;
    private static int[] prompt;

    @BeforeAll
    static void start() throws Exception {
        engine = LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.path(), 1024, 1, 4, 512, 16, null));
        prompt = engine.tokenize("Once upon a time", false);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theEngineDescribesItsModelWithTheConfiguredContext() {
        assertThat(engine.model()).isEqualTo(new ModelInfo(GeneratedModel.SPEC.name(), 1024, 512, false));
    }

    @Test
    void greedyGenerationIsIdenticalAcrossRuns() {
        Outcome first = run(request(Sampling.greedy(), 120));
        Outcome second = run(request(Sampling.greedy(), 120));

        assertThat(first.finished().generatedText()).isNotBlank();
        assertThat(second.ids()).isEqualTo(first.ids());
        assertThat(second.finished().generatedText()).isEqualTo(first.finished().generatedText());
    }

    @Test
    void plainGreedyPicksWhatLlamaCppsGreedySamplerPicks() {
        // A logit bias of 0 changes no logit but puts llama.cpp's sampler chain, with its greedy sampler, back in.
        Sampling throughLlamaCpp = new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, 0f, 0L, Map.of(0, 0f));

        Outcome java = run(request(Sampling.greedy(), 120, 2));
        Outcome llamaCpp = run(request(throughLlamaCpp, 120, 2));

        assertThat(java.ids()).isEqualTo(llamaCpp.ids());
        assertThat(java.tokens()).extracting(event -> event.token().logprob())
                .isEqualTo(llamaCpp.tokens().stream().map(event -> event.token().logprob()).toList());
        assertThat(java.tokens()).extracting(TokenGenerated::topTokens)
                .isEqualTo(llamaCpp.tokens().stream().map(TokenGenerated::topTokens).toList());
    }

    @Test
    void theSameSeedReplaysTheSameTokens() {
        Outcome first = run(request(sampling(1f, 42L), 120));
        Outcome second = run(request(sampling(1f, 42L), 120));

        assertThat(second.ids()).isEqualTo(first.ids());
        assertThat(first.finished().seed()).isEqualTo(OptionalLong.of(42L));
    }

    @Test
    void differentSeedsGiveDifferentTokens() {
        assertThat(run(request(sampling(1f, 1L), 60)).ids()).isNotEqualTo(run(request(sampling(1f, 2L), 60)).ids());
    }

    @Test
    void seedsDifferingOnlyInTheirHighHalfGiveDifferentTokens() {
        assertThat(run(request(sampling(1f, 5L), 60)).ids())
                .isNotEqualTo(run(request(sampling(1f, 5L | (1L << 40)), 60)).ids());
    }

    @Test
    void everyWarperTogetherStillReplaysBySeed() {
        Sampling all = new Sampling(true, 0.8f, 40, 0.9f, 0.95f, 1.2f, 0.1f, -7L);

        assertThat(run(request(all, 100)).ids()).isEqualTo(run(request(all, 100)).ids());
    }

    @Test
    void aRepetitionPenaltyChangesWhatGreedyDecodingWrites() {
        Sampling penalized = new Sampling(false, 1f, 0, 1f, 1f, 1.5f, 0f, 0L);

        assertThat(run(request(penalized, 80)).ids()).isNotEqualTo(run(request(Sampling.greedy(), 80)).ids());
    }

    @Test
    void aPresencePenaltyChangesWhatGreedyDecodingWrites() {
        Sampling penalized = new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, 1.5f, 0L);

        assertThat(run(request(penalized, 80)).ids()).isNotEqualTo(run(request(Sampling.greedy(), 80)).ids());
    }

    @Test
    void greedyReportsNoSeed() {
        assertThat(run(request(Sampling.greedy(), 5)).finished().seed()).isEmpty();
    }

    @Test
    void logprobsAreNeverPositive() {
        Outcome outcome = run(request(sampling(1.5f, 9L), 200, 5));

        for (TokenGenerated event : outcome.tokens()) {
            assertThat(event.token().logprob()).isLessThanOrEqualTo(0f);
            assertThat(event.topTokens()).allSatisfy(top -> assertThat(top.logprob()).isLessThanOrEqualTo(0f));
        }
    }

    @Test
    void aRequestThatWantsNoLogprobsGetsTheSameTokensWithoutThem() {
        for (Sampling sampling : List.of(Sampling.greedy(), sampling(1f, 4L))) {
            GenerationRequest without = new GenerationRequest("test", "acct", new Prompt.Tokens(prompt), 60, sampling,
                    List.of(), 0, false, false, OutputConstraint.NONE);

            Outcome with = run(request(sampling, 60));
            Outcome plain = run(without);

            assertThat(plain.ids()).isEqualTo(with.ids());
            assertThat(with.tokens()).allSatisfy(event -> assertThat(event.token().logprob()).isNotNaN());
            assertThat(plain.tokens()).allSatisfy(event -> assertThat(event.token().logprob()).isNaN());
        }
    }

    @Test
    void aGreedyTokenIsTheFirstOfItsTopTokensWithTheSameLogprob() {
        Outcome outcome = run(request(Sampling.greedy(), 60, 3));

        for (TokenGenerated event : outcome.tokens()) {
            Token first = event.topTokens().getFirst();
            assertThat(first.id()).isEqualTo(event.token().id());
            assertThat(first.logprob()).isEqualTo(event.token().logprob());
        }
    }

    @Test
    void topTokensHaveTheRequestedSizeMostLikelyFirst() {
        Outcome outcome = run(request(sampling(1f, 3L), 40, 5));

        for (TokenGenerated event : outcome.tokens()) {
            assertThat(event.topTokens()).hasSize(5);
            assertThat(event.topTokens()).extracting(Token::logprob).isSortedAccordingTo((a, b) -> Float.compare(b, a));
        }
    }

    @Test
    void noTopTokensAreReportedUnlessAsked() {
        assertThat(run(request(Sampling.greedy(), 10, 0)).tokens()).allSatisfy(t -> assertThat(t.topTokens()).isEmpty());
    }

    @Test
    void aStopSequenceEndsTheGenerationAndStaysAtTheEndOfTheText() {
        List<Token> free = run(request(Sampling.greedy(), 60)).tokens().stream().map(TokenGenerated::token).toList();
        // A whole word the generation writes (not the first): with it as a stop sequence the text ends right after
        // its first occurrence.
        String stop = free.stream().skip(5).map(Token::text).filter(text -> text.matches(" ?[A-Za-z]{3,}"))
                .findFirst().orElseThrow();
        StringBuilder expected = new StringBuilder();
        for (Token token : free) {
            expected.append(token.special() ? "" : token.text());
            if (expected.toString().endsWith(stop)) {
                break;
            }
        }

        GenerationRequest request = new GenerationRequest("stop", "acct", prompt, 60, Sampling.greedy(), List.of(stop), 0, false);
        Finished finished = run(request).finished();
        assertThat(finished.reason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(finished.generatedText()).isEqualTo(expected.toString());
    }

    @Test
    void maxNewTokensEndsTheGenerationWithLength() {
        Outcome outcome = run(request(Sampling.greedy(), 17));

        assertThat(outcome.finished().reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(outcome.finished().generatedTokens()).isEqualTo(17);
        assertThat(outcome.tokens()).hasSize(17);
        assertThat(outcome.finished().promptTokens()).isEqualTo(prompt.length);
    }

    @Test
    void theNonSpecialTokensConcatenateToTheGeneratedTextForManySeeds() {
        // Temperature 3 often picks byte tokens that are not valid UTF-8 on their own.
        for (long seed = 100; seed < 130; seed++) {
            Outcome outcome = run(request(sampling(seed % 2 == 0 ? 3f : 1f, seed), 150));

            assertThat(outcome.streamedText()).as("seed %d", seed).isEqualTo(outcome.finished().generatedText());
            assertThat(outcome.finished().generatedTokens()).isEqualTo(outcome.tokens().size());
        }
    }

    @Test
    void aPromptThatDoesNotFitTheContextIsRefused() {
        assertThatThrownBy(() -> engine.submit(request(Sampling.greedy(), 1024)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1024");
    }

    @Test
    void aTokenOutsideTheVocabularyIsRefused() {
        GenerationRequest request = new GenerationRequest("bad", "acct", new int[] {1, 512}, 5, Sampling.greedy(), List.of(), 0, false);

        assertThatThrownBy(() -> engine.submit(request)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPromptLongerThanOneBatchIsDecodedInChunks() {
        int[] tokens = engine.tokenize("Once upon a time, there was a little girl named Lily. ".repeat(30), false);
        assertThat(tokens.length).as("prompt tokens").isGreaterThan(512); // the batch size

        Outcome outcome = run(new GenerationRequest("long", "acct", tokens, 20, Sampling.greedy(), List.of(), 0, false));
        assertThat(outcome.finished().promptTokens()).isEqualTo(tokens.length);
        assertThat(outcome.finished().generatedText()).isNotBlank();
    }

    private static Outcome run(GenerationRequest request) {
        return Generations.drain(engine.submit(request));
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens) {
        return request(sampling, maxNewTokens, 0);
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens, int topN) {
        return new GenerationRequest("test", "acct", prompt, maxNewTokens, sampling, List.of(), topN, false);
    }

    private static Sampling sampling(float temperature, long seed) {
        return new Sampling(true, temperature, 0, 1f, 1f, 1f, 0f, seed);
    }
}
