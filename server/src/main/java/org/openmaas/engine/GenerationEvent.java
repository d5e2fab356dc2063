package org.openmaas.engine;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a running generation reports, in order: zero or more {@link TokenGenerated}, then exactly one
 * {@link Finished} (which carries the last token, so a streamer can write it together with the details without
 * holding any token back) or {@link Failed}. A cancelled generation reports nothing more.
 */
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
     * The last token and how the generation ended.
     *
     * @param lastToken       the token that ended the generation (EOS, the end of a stop sequence, or the last one
     *                        allowed); every generation has at least one token
     * @param generatedTokens tokens generated, {@code lastToken} included
     * @param generatedText   the concatenation of every non-special token's text
     * @param seed            the seed used, present when the request sampled
     */
    record Finished(TokenGenerated lastToken, FinishReason reason, int promptTokens, int generatedTokens,
                    String generatedText, OptionalLong seed) implements GenerationEvent {
        public Finished {
            Objects.requireNonNull(lastToken, "lastToken");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(generatedText, "generatedText");
            Objects.requireNonNull(seed, "seed");
        }
    }

    /** The engine could not continue this generation (the message is safe to show a client). */
    record Failed(Cause cause, String message) implements GenerationEvent {
        public Failed {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(message, "message");
        }

        /** Whether retrying elsewhere can help. */
        public enum Cause {
            /** The engine is stopping (the server shuts down): the same request may succeed on another instance. */
            STOPPING,
            /** The engine failed on this request. */
            INTERNAL,
            /** No server of an engine elsewhere could serve the request now: it may succeed later. */
            UNAVAILABLE,
            /** An engine elsewhere refused the request itself: sent again, it would be refused again. */
            REJECTED
        }
    }
}
