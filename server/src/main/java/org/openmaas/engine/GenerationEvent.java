package org.openmaas.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a running generation reports, in order: zero or more {@link TokenGenerated}, then exactly one
 * {@link Finished} or {@link Failed}. A cancelled generation reports nothing more.
 *
 * <p>An engine that knows a token is the last as it generates it (the embedded one) sends it in {@link Finished}, so a
 * streamer whose last line carries the last token with the details (the MaaS stream) holds no token back. An engine
 * that learns of the end only after the last token (one elsewhere: the upstream's end arrives after it) sends every
 * token as a {@link TokenGenerated} as it arrives and {@link Finished} without one ({@link Engine#lastTokenInFinished()}
 * says which); such a streamer then holds each token back until the next event itself.
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
     * How the generation ended, with its last token when the engine knew it to be the last as it generated it.
     *
     * @param lastToken       the token that ended the generation (EOS, the end of a stop sequence, or the last one
     *                        allowed), or empty when it came as a {@link TokenGenerated}; every generation has at
     *                        least one token, but one whose reply is nothing but {@code toolCalls}
     * @param generatedTokens tokens generated, the last one included
     * @param generatedText   the concatenation of every non-special token's text
     * @param seed            the seed used, present when the request sampled
     * @param toolCalls       the calls the reply made, for an engine whose upstream reads them itself (see
     *                        {@link ToolChoice}); empty from an engine whose reply's calls are in its text
     */
    record Finished(Optional<TokenGenerated> lastToken, FinishReason reason, int promptTokens, int generatedTokens,
                    String generatedText, OptionalLong seed, List<ToolCall> toolCalls) implements GenerationEvent {
        public Finished {
            Objects.requireNonNull(lastToken, "lastToken");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(generatedText, "generatedText");
            Objects.requireNonNull(seed, "seed");
            toolCalls = List.copyOf(toolCalls);
        }

        /** The end of a reply whose calls, if any, are in its text. */
        public Finished(Optional<TokenGenerated> lastToken, FinishReason reason, int promptTokens, int generatedTokens,
                        String generatedText, OptionalLong seed) {
            this(lastToken, reason, promptTokens, generatedTokens, generatedText, seed, List.of());
        }

        /** The end, with its last token. */
        public Finished(TokenGenerated lastToken, FinishReason reason, int promptTokens, int generatedTokens,
                        String generatedText, OptionalLong seed) {
            this(Optional.of(lastToken), reason, promptTokens, generatedTokens, generatedText, seed);
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
