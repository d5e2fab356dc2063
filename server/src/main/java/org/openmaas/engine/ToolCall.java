package org.openmaas.engine;

import java.util.Objects;

/**
 * A function call in an assistant turn: one the model made, or one a client replays from an earlier response.
 *
 * @param id        the call's id, which the tool message answering it names
 * @param name      the function's name
 * @param arguments the arguments as a JSON object's text, as the model wrote it
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
