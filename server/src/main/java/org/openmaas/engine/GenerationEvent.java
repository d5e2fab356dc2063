package org.openmaas.engine;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/** What a running generation reports, in order: tokens, then exactly one {@link Finished} or {@link Failed}. */
public sealed interface GenerationEvent {

    /**
     * One generated token.
     *
     * @param topTokens the request's {@code topNTokens} most likely tokens at this step, most likely first
     */
    record TokenGenerated(Token token, List<Token> topTokens) implements GenerationEvent {
        public TokenGenerated {
            Objects.requireNonNull(token, "token");
            topTokens = List.copyOf(topTokens);
        }
    }

    /**
     * The generation ended; it always follows the last {@link TokenGenerated}.
     *
     * @param generatedText the concatenation of every non-special token's text
     * @param seed          the seed used, present when the request sampled
     */
    record Finished(FinishReason reason, int promptTokens, int generatedTokens, String generatedText,
                    OptionalLong seed) implements GenerationEvent {
        public Finished {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(generatedText, "generatedText");
            Objects.requireNonNull(seed, "seed");
        }
    }

    /** The engine could not continue this generation (the message is safe to show a client). */
    record Failed(String message) implements GenerationEvent {
        public Failed {
            Objects.requireNonNull(message, "message");
        }
    }
}
