package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.Generations.Outcome;
import org.openmaas.testing.TestModels;

/**
 * A random-weight model written with Llama 3's real tokenizer (llama.cpp's {@code ggml-vocab-llama-bpe.gguf}): it
 * tokenizes as Meta's model does and generates over the full 128 256-token vocabulary.
 */
class RealTokenizerModelTest {

    @Test
    void aModelWithLlama3sTokenizerTokenizesAsLlama3AndGenerates() throws Exception {
        try (LlamaEngine engine = LlamaEngine.start(new LlamaEngine.Config(TestModels.withTokenizer("llama-bpe"), 512,
                1, 2, 512, 8, null))) {
            // Llama 3: <|begin_of_text|> 128000, "Hello" 9906, " world" 1917
            assertThat(engine.tokenize("Hello world", true)).containsExactly(128000, 9906, 1917);

            Outcome outcome = Generations.drain(engine.submit(new GenerationRequest("vocab", "acct",
                    engine.tokenize("Hello world", true), 16, Sampling.greedy(), List.of(), 2, false)));

            assertThat(outcome.tokens()).isNotEmpty();
            assertThat(outcome.ids()).allSatisfy(id -> assertThat(id).isBetween(0, 128255));
            assertThat(outcome.streamedText()).isEqualTo(outcome.finished().generatedText());
            assertThat(outcome.finished().reason()).isIn(FinishReason.LENGTH, FinishReason.EOS_TOKEN);
        }
    }
}
