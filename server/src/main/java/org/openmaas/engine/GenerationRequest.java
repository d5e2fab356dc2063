package org.openmaas.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A generation the engine accepts: produced only by validation, with the prompt already tokenized (and truncated)
 * and every limit checked against the model, so the engine never rejects one for its content.
 *
 * @param requestId    one id per request, for logs
 * @param account      whose request this is: waiting requests are admitted round-robin across accounts
 * @param promptTokens the prompt's token ids; never empty; not to be modified
 * @param maxNewTokens at most this many tokens are generated (at least 1)
 * @param stopSequences generation ends once the generated text ends with one of these
 * @param topNTokens   how many most likely alternatives to report with every token (0 to 5)
 * @param reproducible never share a decode step with other sequences, so the tokens do not depend on load
 */
public record GenerationRequest(
        String requestId,
        String account,
        int[] promptTokens,
        int maxNewTokens,
        Sampling sampling,
        List<String> stopSequences,
        int topNTokens,
        boolean reproducible) {

    public GenerationRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(sampling, "sampling");
        if (promptTokens.length == 0) throw new IllegalArgumentException("promptTokens must not be empty");
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1: " + maxNewTokens);
        if (topNTokens < 0) throw new IllegalArgumentException("topNTokens must be >= 0: " + topNTokens);
        stopSequences = List.copyOf(stopSequences);
        promptTokens = promptTokens.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationRequest r
                && requestId.equals(r.requestId)
                && account.equals(r.account)
                && Arrays.equals(promptTokens, r.promptTokens)
                && maxNewTokens == r.maxNewTokens
                && sampling.equals(r.sampling)
                && stopSequences.equals(r.stopSequences)
                && topNTokens == r.topNTokens
                && reproducible == r.reproducible;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, account, Arrays.hashCode(promptTokens), maxNewTokens, sampling, stopSequences,
                topNTokens, reproducible);
    }

    @Override
    public String toString() {
        // Never the prompt: logs must not carry user text.
        return "GenerationRequest[requestId=" + requestId + ", account=" + account + ", promptTokens=" + promptTokens.length
                + ", maxNewTokens=" + maxNewTokens + ", sampling=" + sampling + ", stopSequences="
                + stopSequences.size() + ", topNTokens=" + topNTokens + ", reproducible=" + reproducible + "]";
    }
}
