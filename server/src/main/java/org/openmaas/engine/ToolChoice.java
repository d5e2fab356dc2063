package org.openmaas.engine;

import java.util.Objects;

/**
 * What the model may do with a conversation's tools (OpenAI's {@code tool_choice}). An engine that renders tools here,
 * or has them rendered by a template upstream, is handed a forced choice as a grammar ({@link OutputConstraint.Gbnf});
 * one whose upstream reads calls itself passes the choice on.
 */
public sealed interface ToolChoice {

    /** The model decides. */
    record Auto() implements ToolChoice {
    }

    /** The model must not call: the tools are not even shown to it. */
    record None() implements ToolChoice {
    }

    /** The model must call one or more of the tools. */
    record Required() implements ToolChoice {
    }

    /** The model must call this function. */
    record Named(String name) implements ToolChoice {
        public Named {
            Objects.requireNonNull(name, "name");
        }
    }

    ToolChoice AUTO = new Auto();
}
