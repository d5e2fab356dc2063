package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.Generations.Outcome;
import org.openmaas.gguf.Architecture;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.gguf.TensorType;
import org.openmaas.testing.TestModels;

/**
 * Architectures b4916 could not load, written by the project's GGUF writer with random weights: the embedded engine
 * loads each and generates, and a repeated prompt reuses the cells the first left (for Gemma 3, in llama.cpp's
 * two-part cache for its sliding-window layers) and gives the same greedy tokens.
 */
class CurrentArchitecturesTest {

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"QWEN3", "GEMMA3"})
    void theEngineLoadsTheArchitectureAndGeneratesTheSameGreedyTokensEachTime(Architecture architecture) throws Exception {
        RandomLlama.Spec spec = new RandomLlama.Spec("random-" + architecture.key(), 512, 128, 2, 4, 2, 256, 2048,
                TensorType.F32, 5, null, architecture);
        try (LlamaEngine engine = LlamaEngine.start(new LlamaEngine.Config(TestModels.generated(spec), 1024, 1, 2, 512,
                8, null))) {
            int[] prompt = engine.tokenize("Once upon a time there was a little robot who liked to count", false);

            Outcome first = Generations.drain(engine.submit(request(prompt)));
            Outcome second = Generations.drain(engine.submit(request(prompt)));

            assertThat(engine.model()).isEqualTo(new ModelInfo(spec.name(), 1024, 512, false));
            assertThat(first.finished().reason()).isEqualTo(FinishReason.LENGTH);
            assertThat(first.tokens()).hasSize(48);
            assertThat(first.streamedText()).isEqualTo(first.finished().generatedText());
            assertThat(second.ids()).as("the same prompt again, from the cells the first one left").isEqualTo(first.ids());
            assertThat(engine.stats().reusedPromptTokens()).isPositive();
        }
    }

    private static GenerationRequest request(int[] prompt) {
        return new GenerationRequest("arch", "acct", prompt, 48, Sampling.greedy(), List.of(), 0, false);
    }
}
