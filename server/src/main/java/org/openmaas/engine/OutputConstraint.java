package org.openmaas.engine;

import java.util.Objects;

/**
 * The shape the generated text must have, enforced while decoding (an embedded engine masks every token that would
 * leave it; a remote one hands it to an upstream that can, or the request is refused with
 * {@link UnsupportedParameterException}). Validation builds one from the API's {@code response_format}, TGI's
 * {@code grammar} parameter or a forced tool call.
 */
public sealed interface OutputConstraint {

    /** Any text. */
    record None() implements OutputConstraint {
    }

    /**
     * JSON matching a JSON Schema.
     *
     * @param schema the schema as JSON text; {@code {"type":"object"}} for OpenAI's {@code json_object}
     */
    record JsonSchema(String schema) implements OutputConstraint {
        public JsonSchema {
            Objects.requireNonNull(schema, "schema");
        }
    }

    /**
     * Text matching a regular expression in full (TGI's {@code {"type": "regex"}} grammar).
     *
     * @param pattern the expression, in the subset the grammar compiler accepts
     */
    record Regex(String pattern) implements OutputConstraint {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    /**
     * A GBNF grammar with a {@code root} rule (llama.cpp's grammar format): what the server composes itself, such as a
     * model family's tool-call wrapper around a JSON Schema's rules.
     */
    record Gbnf(String grammar) implements OutputConstraint {
        public Gbnf {
            Objects.requireNonNull(grammar, "grammar");
        }
    }

    OutputConstraint NONE = new None();

    /**
     * The {@link UnsupportedParameterException#parameter()} of an engine that cannot honour a constraint: it does not
     * know which request field the constraint came from, so the API names that field instead.
     */
    String PARAMETER = "output_constraint";
}
