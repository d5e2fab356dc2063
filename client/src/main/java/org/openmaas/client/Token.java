package org.openmaas.client;

import java.util.Objects;

/**
 * One generated token.
 *
 * @param id      the token's id in the model's vocabulary
 * @param text    its text; empty for a token that ends inside a multi-byte character (the next one completes it)
 * @param logprob the natural-log probability of the token under the model's output distribution
 * @param special true for control tokens such as end-of-sequence, whose text is not part of the generated text
 */
public record Token(int id, String text, double logprob, boolean special) {

    public Token {
        Objects.requireNonNull(text, "text");
    }
}
