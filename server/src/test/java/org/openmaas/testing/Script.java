package org.openmaas.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.Token;

/**
 * What a {@link ScriptedEngine} generation does, step by step: emit tokens, hold at a {@link Gate} until the test opens
 * it, and end with a finish reason or a failure.
 */
public record Script(List<Step> steps, End end) {

    /** One step of a script. */
    public sealed interface Step {

        /** Emits {@code token} with {@code topTokens} as its alternatives. */
        record Emit(Token token, List<Token> topTokens) implements Step {
            public Emit {
                Objects.requireNonNull(token, "token");
                topTokens = List.copyOf(topTokens);
            }
        }

        /** Waits until {@code gate} opens, the generation is cancelled or the engine closes. */
        record Hold(Gate gate) implements Step {
            public Hold {
                Objects.requireNonNull(gate, "gate");
            }
        }
    }

    /** How a script ends. */
    public sealed interface End {

        /** Ends normally; the last step's token rides in {@link GenerationEvent.Finished}, as engines send it. */
        record Finish(FinishReason reason) implements End {
        }

        /** Ends with {@link GenerationEvent.Failed}. */
        record Fail(GenerationEvent.Failed.Cause cause, String message) implements End {
        }

        /**
         * Never ends by itself: emits {@code token} again and again, as a model that never stops, until the generation
         * is cancelled or the engine closes. A client that hangs up is noticed when a token is written to it, so this
         * is the script of a stream that must be cancelled.
         */
        record Endless(Token token) implements End {
            public Endless {
                Objects.requireNonNull(token, "token");
            }
        }
    }

    public Script {
        steps = List.copyOf(steps);
        Objects.requireNonNull(end, "end");
        if (end instanceof End.Finish && (steps.isEmpty() || !(steps.getLast() instanceof Step.Emit))) {
            throw new IllegalArgumentException("a script that finishes ends with a token: every generation has one");
        }
    }

    /** {@code count} plain tokens (" w0", " w1", ...) ending for {@code reason}. */
    public static Script words(int count, FinishReason reason) {
        return builder().words(count).finish(reason);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The tokens a test expects to see, in order. */
    public List<Token> tokens() {
        return steps.stream().filter(s -> s instanceof Step.Emit).map(s -> ((Step.Emit) s).token()).toList();
    }

    /** Builds a script step by step; ids of {@link #text} tokens count up from {@link #FIRST_ID}. */
    public static final class Builder {

        public static final int FIRST_ID = 100;
        public static final float LOGPROB = -0.25f;

        private final List<Step> steps = new ArrayList<>();
        private int nextId = FIRST_ID;

        private Builder() {
        }

        /** A plain token with the next id and logprob {@link #LOGPROB}. */
        public Builder text(String text) {
            return token(new Token(nextId++, text, LOGPROB, false));
        }

        /** {@code count} plain tokens, " w0", " w1", ... */
        public Builder words(int count) {
            for (int i = 0; i < count; i++) {
                text(" w" + i);
            }
            return this;
        }

        public Builder token(Token token) {
            return token(token, List.of());
        }

        public Builder token(Token token, List<Token> topTokens) {
            steps.add(new Step.Emit(token, topTokens));
            return this;
        }

        public Builder hold(Gate gate) {
            steps.add(new Step.Hold(gate));
            return this;
        }

        public Script finish(FinishReason reason) {
            return new Script(steps, new End.Finish(reason));
        }

        public Script fail(GenerationEvent.Failed.Cause cause, String message) {
            return new Script(steps, new End.Fail(cause, message));
        }

        /** Then {@code text} as a plain token (one id) forever. */
        public Script endless(String text) {
            return new Script(steps, new End.Endless(new Token(nextId, text, LOGPROB, false)));
        }
    }
}
