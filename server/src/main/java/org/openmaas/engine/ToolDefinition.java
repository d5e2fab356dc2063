package org.openmaas.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * A function the model may call, as the client declared it; chat templates render these into the prompt.
 *
 * @param name        the function's name
 * @param description what it does, for the model; may be absent
 * @param parameters  a JSON Schema of its arguments object, as the client wrote it (key order kept, since templates
 *                    render it with {@code tojson}); may be absent
 */
public record ToolDefinition(String name, Optional<String> description, Optional<String> parameters) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parameters, "parameters");
    }
}
