package org.openmaas.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.UnsupportedParameterException;
import org.openmaas.grammar.JsonSchemaGrammar;

/**
 * How the upstream protocols carry an {@link OutputConstraint}, and the refusal when one cannot: the upstream enforces
 * the constraint itself, so only what it takes is sent.
 */
final class UpstreamConstraints {

    private UpstreamConstraints() {
    }

    /** The schema as a JSON value, to embed in a request body. */
    static JsonNode schema(OutputConstraint.JsonSchema constraint) {
        return JsonSchemaGrammar.parse(constraint.schema());
    }

    /**
     * TGI's {@code grammar} parameter (also the MaaS API's): {@code {"type": "json", "value": <schema>}} or
     * {@code {"type": "regex", "value": "<pattern>"}}; nothing for no constraint.
     */
    static void putTgiGrammar(ObjectNode parameters, OutputConstraint constraint) {
        switch (constraint) {
            case OutputConstraint.JsonSchema schema ->
                    parameters.putObject("grammar").put("type", "json").set("value", schema(schema));
            case OutputConstraint.Regex regex ->
                    parameters.putObject("grammar").put("type", "regex").put("value", regex.pattern());
            case OutputConstraint.Gbnf gbnf -> throw new IllegalStateException("requireSupported refuses GBNF");
            case OutputConstraint.None none -> { }
        }
    }

    /**
     * @param engine   the upstream, as a client may know it (e.g. "TGI")
     * @param supports what it does take, as a sentence's end
     */
    static UnsupportedParameterException refused(OutputConstraint constraint, String engine, String supports) {
        String kind = switch (constraint) {
            case OutputConstraint.JsonSchema schema -> "a JSON Schema";
            case OutputConstraint.Regex regex -> "a regular expression";
            case OutputConstraint.Gbnf gbnf -> "a GBNF grammar";
            case OutputConstraint.None none -> "nothing";
        };
        return new UnsupportedParameterException(OutputConstraint.PARAMETER, "this product's engine (" + engine
                + ") cannot constrain its output to " + kind + "; it " + supports);
    }
}
