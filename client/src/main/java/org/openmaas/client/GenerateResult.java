package org.openmaas.client;

import java.util.List;
import java.util.Objects;

/**
 * A whole generation: what {@link MaasClient#generate(GenerateRequest)} returns.
 *
 * @param generatedText the text (the non-special tokens' texts, concatenated)
 * @param details       how it ended
 * @param tokens        every generated token, special ones included, in order
 * @param requestId     the service's id of the request
 */
public record GenerateResult(String generatedText, GenerationDetails details, List<Token> tokens, String requestId) {

    public GenerateResult {
        Objects.requireNonNull(generatedText, "generatedText");
        Objects.requireNonNull(details, "details");
        tokens = List.copyOf(tokens);
        Objects.requireNonNull(requestId, "requestId");
    }
}
