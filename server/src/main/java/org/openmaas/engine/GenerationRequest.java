package org.openmaas.engine;

import java.util.List;
import java.util.Objects;

/**
 * A generation the engine accepts: produced only by validation, with every limit checked against the model, so the
 * engine never rejects one for its content. When the engine has a {@link Tokenizer}, the prompt is already tokenized
 * (and truncated) and fits the context with {@code maxNewTokens}; otherwise it is the client's text, which only the
 * engine can count.
 *
 * @param requestId    one id per request, for logs
 * @param account      whose request this is: waiting requests are admitted round-robin across accounts
 * @param prompt       what to continue
 * @param maxNewTokens at most this many tokens are generated (at least 1)
 * @param stopSequences generation ends once the generated text ends with one of these
 * @param topNTokens   how many most likely alternatives to report with every token (0 to 5)
 * @param logprobs     whether each token's logprob is wanted; without it an engine may leave the logprob out (NaN)
 *                     where computing it costs (a remote llama-server sorts its whole vocabulary for it). The MaaS
 *                     stream always shows it; the OpenAI API only when asked.
 * @param reproducible never share a decode step with other sequences, so the tokens do not depend on load
 * @param constraint   the shape the generated text must have ({@link OutputConstraint#NONE}: any)
 */
public record GenerationRequest(
        String requestId,
        String account,
        Prompt prompt,
        int maxNewTokens,
        Sampling sampling,
        List<String> stopSequences,
        int topNTokens,
        boolean logprobs,
        boolean reproducible,
        OutputConstraint constraint) {

    public GenerationRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(constraint, "constraint");
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1: " + maxNewTokens);
        if (topNTokens < 0) throw new IllegalArgumentException("topNTokens must be >= 0: " + topNTokens);
        if (topNTokens > 0 && !logprobs) {
            throw new IllegalArgumentException("top tokens carry logprobs: topNTokens " + topNTokens
                    + " needs logprobs");
        }
        stopSequences = List.copyOf(stopSequences);
    }

    /** A request that wants each token's logprob. */
    public GenerationRequest(String requestId, String account, Prompt prompt, int maxNewTokens, Sampling sampling,
                             List<String> stopSequences, int topNTokens, boolean reproducible,
                             OutputConstraint constraint) {
        this(requestId, account, prompt, maxNewTokens, sampling, stopSequences, topNTokens, true, reproducible,
                constraint);
    }

    /** A request with no constraint on its output that wants each token's logprob. */
    public GenerationRequest(String requestId, String account, Prompt prompt, int maxNewTokens, Sampling sampling,
                             List<String> stopSequences, int topNTokens, boolean reproducible) {
        this(requestId, account, prompt, maxNewTokens, sampling, stopSequences, topNTokens, reproducible,
                OutputConstraint.NONE);
    }

    /** A request whose prompt is already tokenized, with no constraint on its output, that wants logprobs. */
    public GenerationRequest(String requestId, String account, int[] promptTokens, int maxNewTokens, Sampling sampling,
                             List<String> stopSequences, int topNTokens, boolean reproducible) {
        this(requestId, account, new Prompt.Tokens(promptTokens), maxNewTokens, sampling, stopSequences, topNTokens,
                reproducible);
    }

    /** The same request drawing from {@code seed}: another choice of the same prompt (OpenAI's {@code n}). */
    public GenerationRequest withSeed(long seed) {
        return new GenerationRequest(requestId, account, prompt, maxNewTokens, sampling.withSeed(seed), stopSequences,
                topNTokens, logprobs, reproducible, constraint);
    }

    /**
     * The prompt's token ids, for an engine with a {@link Tokenizer} (validation gives it nothing else); not to be
     * modified.
     *
     * @throws IllegalStateException when the prompt is text or a conversation, for an engine that tokenizes itself
     */
    public int[] promptTokens() {
        if (prompt instanceof Prompt.Tokens tokens) {
            return tokens.ids();
        }
        throw new IllegalStateException("the prompt of " + requestId + " is not tokenized (" + prompt
                + "): only an engine that tokenizes prompts itself can take it");
    }

    @Override
    public String toString() {
        // Never the prompt's content: logs must not carry user text.
        return "GenerationRequest[requestId=" + requestId + ", account=" + account + ", prompt=" + prompt
                + ", maxNewTokens=" + maxNewTokens + ", sampling=" + sampling + ", stopSequences="
                + stopSequences.size() + ", topNTokens=" + topNTokens + ", logprobs=" + logprobs + ", reproducible="
                + reproducible + ", constraint=" + constraint.getClass().getSimpleName() + "]";
    }
}
