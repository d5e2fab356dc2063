package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent.Finished;
import org.openmaas.engine.GenerationEvent.TokenGenerated;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.Generations.Outcome;

/**
 * What only a trained model makes true, on the real stories260K from {@code ../shared} (skipped without it): English
 * text, the story's words, an EOS token at a known seed, BOS between stories. The rest is in {@link LlamaEngineTest}.
 */
class StoriesEngineTest {

    private static LlamaEngine engine;
    private static int[] prompt;

    @BeforeAll
    static void start() throws Exception {
        engine = LlamaEngine.start(new LlamaEngine.Config(StoriesModel.path(), 1024, 1, 4, 512, 16, null));
        prompt = engine.tokenize("Once upon a time", false);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theEngineDescribesStories260K() {
        assertThat(engine.model()).isEqualTo(new ModelInfo("llama", 1024, 512, false));
    }

    @Test
    void greedyGenerationWritesEnglish() {
        assertThat(run(request(Sampling.greedy(), 30)).finished().generatedText()).startsWith(", there was a little");
    }

    @Test
    void aStopSequenceEndsTheStoryAtTheGirlsName() {
        GenerationRequest request = new GenerationRequest("stop", "acct", prompt, 200, Sampling.greedy(), List.of("Lily"), 0, false);
        Finished finished = run(request).finished();

        assertThat(finished.reason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(finished.generatedText()).isEqualTo(", there was a little girl named Lily");
    }

    @Test
    void anEosTokenEndsTheGenerationStreamedLastAsSpecialAndCounted() {
        // The model rarely ends with EOS (it starts a new story with BOS instead; EOS's logit is an unused token's);
        // at temperature 5 seed 7 it does.
        Outcome outcome = run(request(new Sampling(true, 5f, 0, 1f, 1f, 1f, 0f, 7L), 300));

        assertThat(outcome.finished().reason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(outcome.tokens().getLast().token().id()).isEqualTo(StoriesModel.EOS);
        assertThat(outcome.tokens().getLast().token().special()).isTrue();
        assertThat(outcome.tokens().getLast().token().text()).isEqualTo("</s>");
        assertThat(outcome.finished().generatedTokens()).isEqualTo(outcome.tokens().size());
        assertThat(outcome.finished().generatedText()).doesNotContain("</s>");
    }

    @Test
    void aBosTokenBetweenStoriesIsStreamedAsSpecialAndLeftOutOfTheText() {
        Outcome outcome = run(request(Sampling.greedy(), 400));
        TokenGenerated bos = outcome.tokens().stream().filter(t -> t.token().id() == StoriesModel.BOS).findFirst().orElseThrow();

        assertThat(bos.token().special()).isTrue();
        assertThat(bos.token().text()).isEqualTo("<s>");
        assertThat(outcome.finished().generatedText()).doesNotContain("<s>");
        assertThat(outcome.finished().reason()).isEqualTo(FinishReason.LENGTH);
    }

    private static Outcome run(GenerationRequest request) {
        return Generations.drain(engine.submit(request));
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens) {
        return new GenerationRequest("test", "acct", prompt, maxNewTokens, sampling, List.of(), 0, false);
    }
}
