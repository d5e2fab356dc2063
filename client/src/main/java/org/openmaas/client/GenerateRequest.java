package org.openmaas.client;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A generation request: the product, the prompt and the parameters of the wire contract (TGI's names). A parameter
 * left unset (null) is not sent, so the service's default applies. Build one with {@link #builder(Model, String)}:
 *
 * <pre>{@code
 * GenerateRequest request = GenerateRequest.builder(model, "Once upon a time")
 *         .maxNewTokens(100).temperature(0.7).stop("\n\n").build();
 * }</pre>
 *
 * <p>The builder refuses values no service could accept (a negative count, NaN); the limits that are a service's
 * policy (the largest temperature, how many stop sequences) are checked by the service, which answers
 * {@link InvalidArgumentException} naming the field and what is allowed.
 *
 * @param model             the catalog product that generates
 * @param prompt            the text to continue
 * @param maxNewTokens      {@code max_new_tokens}: tokens to generate at most (service default 100)
 * @param temperature       {@code temperature}: 0 is greedy; other values than 1 turn sampling on
 * @param topK              {@code top_k}: keep only the k most likely tokens (0: off)
 * @param topP              {@code top_p}: nucleus sampling, in (0, 1]
 * @param typicalP          {@code typical_p}: locally typical sampling, in (0, 1]
 * @param repetitionPenalty {@code repetition_penalty}: multiplicative penalty on tokens already seen (1: off)
 * @param frequencyPenalty  {@code frequency_penalty}: additive penalty by count (0: off)
 * @param doSample          {@code do_sample}: sample even when no warper is active
 * @param seed              {@code seed}: an unsigned 64-bit decimal; the same seed and prompt give the same tokens
 * @param stop              {@code stop}: stop once the text ends with one of these (it stays in the text); empty: none
 * @param topNTokens        {@code top_n_tokens}: how many most likely alternatives to report with each token
 * @param truncate          {@code truncate}: keep only the last N prompt tokens
 */
public record GenerateRequest(Model model, String prompt, Integer maxNewTokens, Double temperature, Integer topK,
                              Double topP, Double typicalP, Double repetitionPenalty, Double frequencyPenalty,
                              Boolean doSample, String seed, List<String> stop, Integer topNTokens,
                              Integer truncate) {

    private static final BigInteger MAX_SEED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    public GenerateRequest {
        Objects.requireNonNull(model, "a GenerateRequest needs a model: one of MaasClient.models()");
        Objects.requireNonNull(prompt, "a GenerateRequest needs a prompt");
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("the prompt must not be empty");
        }
        atLeast("maxNewTokens", maxNewTokens, 1);
        finite("temperature", temperature);
        if (temperature != null && temperature < 0) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or more, got " + temperature);
        }
        atLeast("topK", topK, 0);
        finite("topP", topP);
        finite("typicalP", typicalP);
        finite("repetitionPenalty", repetitionPenalty);
        finite("frequencyPenalty", frequencyPenalty);
        if (seed != null && !(seed.matches("\\d{1,20}") && new BigInteger(seed).compareTo(MAX_SEED) <= 0)) {
            throw new IllegalArgumentException("seed must be an unsigned 64-bit integer in decimal, got '" + seed + "'");
        }
        stop = stop == null ? List.of() : stop;
        for (int i = 0; i < stop.size(); i++) {
            Objects.requireNonNull(stop.get(i), "stop sequence " + i + " is null");
            if (stop.get(i).isEmpty()) {
                throw new IllegalArgumentException("stop sequence " + i + " is empty; a stop sequence needs at least one character");
            }
        }
        stop = List.copyOf(stop);
        atLeast("topNTokens", topNTokens, 0);
        atLeast("truncate", truncate, 1);
    }

    /** A builder for a request to {@code model} continuing {@code prompt}, with every parameter unset. */
    public static Builder builder(Model model, String prompt) {
        return new Builder(model, prompt);
    }

    /** A builder holding this request's values, to vary one of them. */
    public Builder toBuilder() {
        Builder b = new Builder(model, prompt);
        b.maxNewTokens = maxNewTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.typicalP = typicalP;
        b.repetitionPenalty = repetitionPenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.doSample = doSample;
        b.seed = seed;
        b.stop = new ArrayList<>(stop);
        b.topNTokens = topNTokens;
        b.truncate = truncate;
        return b;
    }

    private static void atLeast(String name, Integer value, int min) {
        if (value != null && value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    private static void finite(String name, Double value) {
        if (value != null && !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + value);
        }
    }

    /** Collects a request's values; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private Model model;
        private String prompt;
        private Integer maxNewTokens;
        private Double temperature;
        private Integer topK;
        private Double topP;
        private Double typicalP;
        private Double repetitionPenalty;
        private Double frequencyPenalty;
        private Boolean doSample;
        private String seed;
        private List<String> stop = new ArrayList<>();
        private Integer topNTokens;
        private Integer truncate;

        private Builder(Model model, String prompt) {
            this.model = model;
            this.prompt = prompt;
        }

        public Builder model(Model model) {
            this.model = model;
            return this;
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        /** {@code max_new_tokens}: tokens to generate at most. */
        public Builder maxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        /** {@code temperature}: 0 is greedy; values other than 1 turn sampling on. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** {@code top_k}: keep only the k most likely tokens; 0 turns it off. */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** {@code top_p}: keep the most likely tokens whose probabilities add up to p. */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** {@code typical_p}: locally typical sampling. */
        public Builder typicalP(double typicalP) {
            this.typicalP = typicalP;
            return this;
        }

        /** {@code repetition_penalty}: TGI's multiplicative penalty on tokens already seen; 1 turns it off. */
        public Builder repetitionPenalty(double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        /** {@code frequency_penalty}: additive penalty by how often a token was seen; 0 turns it off. */
        public Builder frequencyPenalty(double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /** {@code do_sample}: sample even when no warper is active. */
        public Builder doSample(boolean doSample) {
            this.doSample = doSample;
            return this;
        }

        /** {@code seed}, read as an unsigned 64-bit integer (so {@code -1L} is 2<sup>64</sup> − 1). */
        public Builder seed(long seed) {
            this.seed = Long.toUnsignedString(seed);
            return this;
        }

        /** {@code seed} as an unsigned 64-bit decimal, as {@link GenerationDetails#seed()} reports it. */
        public Builder seed(String seed) {
            this.seed = seed;
            return this;
        }

        /** {@code stop}: adds stop sequences. */
        public Builder stop(String... sequences) {
            this.stop.addAll(Arrays.asList(sequences));
            return this;
        }

        /** {@code stop}: replaces the stop sequences. */
        public Builder stop(List<String> sequences) {
            this.stop = new ArrayList<>(sequences);
            return this;
        }

        /** {@code top_n_tokens}: how many most likely alternatives to report with each token. */
        public Builder topNTokens(int topNTokens) {
            this.topNTokens = topNTokens;
            return this;
        }

        /** {@code truncate}: keep only the last N prompt tokens. */
        public Builder truncate(int truncate) {
            this.truncate = truncate;
            return this;
        }

        /**
         * The request.
         *
         * @throws NullPointerException     without a model or prompt
         * @throws IllegalArgumentException naming a value no service accepts
         */
        public GenerateRequest build() {
            return new GenerateRequest(model, prompt, maxNewTokens, temperature, topK, topP, typicalP,
                    repetitionPenalty, frequencyPenalty, doSample, seed, stop, topNTokens, truncate);
        }
    }
}
