package org.openmaas.chat.reasoning;

import java.util.ArrayList;
import java.util.List;

/**
 * Separates one reply's reasoning from its answer as it streams, as llama-server does with {@code --reasoning-format
 * auto}: the text between the opening and closing tags at the start of the reply (or, when the prompt opened them,
 * from the start) is a {@link Part.Thought}, the rest a {@link Part.Answer}. Reasoning is trimmed of the whitespace
 * around it, and reasoning that is only whitespace (an empty {@code <think>\n\n</think>}) is no reasoning; the
 * whitespace between the closing tag and the answer is dropped. A reply that ends inside its reasoning (it ran out of
 * tokens) was all reasoning. A reply that does not start with the opening tag, when the prompt did not open it, is all
 * answer, unchanged: tags later in the text are text.
 *
 * <p>However the reply is split into pieces, the parts carry the same text. Used by one request thread. Not
 * thread-safe.
 */
public final class ReasoningParser {

    /** A piece of the reply: reasoning or answer; never empty. */
    public sealed interface Part {
        String text();

        record Thought(String text) implements Part {
            public Thought {
                if (text.isEmpty()) throw new IllegalArgumentException("a thought must not be empty");
            }
        }

        record Answer(String text) implements Part {
            public Answer {
                if (text.isEmpty()) throw new IllegalArgumentException("an answer must not be empty");
            }
        }
    }

    private enum State {
        /** Before the reply has shown whether it reasons: whitespace and perhaps the opening tag so far. */
        START,
        /** Inside the reasoning. */
        THOUGHT,
        /** After the closing tag, only whitespace so far. */
        CLOSED,
        /** In the answer: everything else passes through. */
        ANSWER
    }

    private final Reasoning reasoning;
    private final StringBuilder pending = new StringBuilder(); // received, not yet given out
    private State state = State.START;
    private boolean thinking;                                  // some reasoning has gone out

    public ReasoningParser(Reasoning reasoning) {
        this.reasoning = reasoning;
    }

    /** Adds text of the reply; returns what may go out now. */
    public List<Part> add(String text) {
        pending.append(text);
        return scan(false);
    }

    /** The reply has ended: the rest. */
    public List<Part> finish() {
        return scan(true);
    }

    private List<Part> scan(boolean ended) {
        List<Part> parts = new ArrayList<>();
        while (!pending.isEmpty()) {
            String text = pending.toString();
            switch (state) {
                case START -> {
                    String rest = text.stripLeading();
                    if (rest.startsWith(reasoning.open())) {
                        pending.delete(0, text.length() - rest.length() + reasoning.open().length());
                        state = State.THOUGHT;
                    } else if (!ended && reasoning.open().startsWith(rest)) {
                        return parts; // whitespace, or the start of the tag
                    } else {
                        state = reasoning.opened() ? State.THOUGHT : State.ANSWER;
                    }
                }
                case THOUGHT -> {
                    int close = text.indexOf(reasoning.close());
                    if (close >= 0) {
                        thought(parts, text.substring(0, close).stripTrailing());
                        pending.delete(0, close + reasoning.close().length());
                        state = State.CLOSED;
                        continue;
                    }
                    // Hold back what could still be the closing tag, and trailing whitespace, which may end the reasoning.
                    int release = ended ? text.length() : text.length() - partialClose(text);
                    String out = text.substring(0, release).stripTrailing();
                    thought(parts, out);
                    pending.delete(0, ended ? text.length() : out.length());
                    return parts;
                }
                case CLOSED -> {
                    String rest = text.stripLeading();
                    pending.delete(0, text.length() - rest.length());
                    if (rest.isEmpty()) {
                        return parts;
                    }
                    state = State.ANSWER;
                }
                case ANSWER -> {
                    parts.add(new Part.Answer(text));
                    pending.setLength(0);
                }
            }
        }
        return parts;
    }

    /** Reasoning text for the client, without the whitespace that opens the reasoning. */
    private void thought(List<Part> parts, String text) {
        String out = thinking ? text : text.stripLeading();
        if (!out.isEmpty()) {
            parts.add(new Part.Thought(out));
            thinking = true;
        }
    }

    /** How many characters at the end of {@code text} begin the closing tag. */
    private int partialClose(String text) {
        String close = reasoning.close();
        for (int length = Math.min(close.length() - 1, text.length()); length > 0; length--) {
            if (text.endsWith(close.substring(0, length))) {
                return length;
            }
        }
        return 0;
    }
}
