package org.openmaas.chat.tools;

import java.util.Objects;
import org.openmaas.engine.ToolCall;

/** What a reply holds, in order, as {@link ReplyParser} finds it: text for the client, and calls. */
public sealed interface ReplyEvent {

    /** Text for the client, with no call markup in it; never empty. */
    record Content(String text) implements ReplyEvent {
        public Content {
            if (text.isEmpty()) throw new IllegalArgumentException("content must not be empty");
        }
    }

    /**
     * A complete call, the {@code index}-th of the reply (from 0), with the id the server gave it.
     *
     * @param call its arguments as compact JSON text
     */
    record Call(int index, ToolCall call) implements ReplyEvent {
        public Call {
            Objects.requireNonNull(call, "call");
        }
    }
}
