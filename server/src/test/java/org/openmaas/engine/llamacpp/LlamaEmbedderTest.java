package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.UnsupportedParameterException;
import org.openmaas.gguf.Pooling;
import org.openmaas.gguf.RandomLlama;
import org.openmaas.testing.TestModels;

/** The embedded embedding engine on random-weight Llamas whose GGUF declares a pooling type (or none). */
class LlamaEmbedderTest {

    @Test
    void aModelThatDeclaresNoPoolingIsRefusedAtStartSayingWhy() {
        Path generative = TestModels.generated(RandomLlama.Spec.tiny());

        assertThatThrownBy(() -> LlamaEmbedder.start(config(generative), "maas-model-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declares no pooling")
                .hasMessageContaining("embeddings: true needs an embedding model with mean, cls or last pooling");
    }

    @Test
    void moreInputsThanOneDecodeTakesAreEmbeddedInOrderAsEachIsAlone() throws Exception {
        try (LlamaEmbedder embedder = LlamaEmbedder.start(config(TestModels.embedding()), "maas-model-e")) {
            List<int[]> inputs = new ArrayList<>();
            for (int i = 0; i < LlamaEmbedder.SEQUENCES + 8; i++) {
                inputs.add(embedder.tokenize("input number " + i, false));
            }

            List<float[]> together = embedder.embed(inputs);

            assertThat(together).hasSize(inputs.size());
            for (int i : new int[] {0, LlamaEmbedder.SEQUENCES - 1, LlamaEmbedder.SEQUENCES, inputs.size() - 1}) {
                float[] alone = embedder.embed(List.of(inputs.get(i))).getFirst();
                assertThat(together.get(i)).as("input %d", i).containsExactly(alone, within(1e-4f));
            }
        }
    }

    @Test
    void theGgufsPoolingIsWhatPoolsLastAndMeanGiveDifferentVectorsOfOneDimension() throws Exception {
        Path last = TestModels.generated(RandomLlama.Spec.tiny().withName("random-llama-embed-last")
                .withPooling(Pooling.LAST));
        try (LlamaEmbedder lastPooled = LlamaEmbedder.start(config(last), "maas-model-last");
             LlamaEmbedder meanPooled = LlamaEmbedder.start(config(TestModels.embedding()), "maas-model-mean")) {
            int[] input = lastPooled.tokenize("a cat sat on the mat", false);

            float[] byLast = lastPooled.embed(List.of(input)).getFirst();
            float[] byMean = meanPooled.embed(List.of(input)).getFirst();

            assertThat(lastPooled.dimensions()).isEqualTo(RandomLlama.Spec.tiny().embeddingLength());
            assertThat(byLast).isNotEqualTo(byMean);
        }
    }

    @Test
    void aGenerationIsRefusedNamingTheProductAndWhatItServes() throws Exception {
        try (LlamaEmbedder embedder = LlamaEmbedder.start(config(TestModels.embedding()), "maas-model-e")) {
            GenerationRequest request = new GenerationRequest("r", "acct", new int[] {1, 300}, 4, Sampling.greedy(),
                    List.of(), 0, false);

            assertThatThrownBy(() -> embedder.submit(request)).isInstanceOf(UnsupportedParameterException.class)
                    .hasMessage("product maas-model-e serves embeddings only (POST /v1/embeddings); it does not "
                            + "generate text");
        }
    }

    private static LlamaEngine.Config config(Path model) {
        return new LlamaEngine.Config(model, 0, 1, 1, 512, 4, null);
    }
}
