package org.openmaas.chat.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.grammar.Gbnf;
import org.openmaas.grammar.JsonSchemaGrammar;

/**
 * The JSON object most families write a call as, {@code {"name": ..., "arguments": {...}}} (Llama 3 says
 * {@code parameters}): reading one, and the grammar of one that calls a declared tool with arguments its schema
 * accepts.
 */
final class CallObjects {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The arguments of a tool declared without parameters: any object. */
    private static final String ANY_OBJECT = "{\"type\":\"object\"}";

    private CallObjects() {
    }

    /**
     * The call {@code node} is, or null when it is not one: an object with a string {@code name} and its arguments as
     * an object or as a string holding one (models write either) under {@code arguments} or {@code parameters}; no
     * arguments is an empty object.
     */
    static Reading.NamedArguments read(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("name").isTextual()) {
            return null;
        }
        JsonNode arguments = node.has("arguments") ? node.get("arguments") : node.get("parameters");
        String json = arguments(arguments);
        return json == null ? null : new Reading.NamedArguments(node.get("name").asText(), json);
    }

    /** Arguments as compact JSON text: an object, or a string holding one; null for anything else. */
    static String arguments(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "{}";
        }
        if (arguments.isObject()) {
            return arguments.toString();
        }
        if (arguments.isTextual()) {
            try {
                JsonNode parsed = JSON.readTree(arguments.asText());
                return parsed != null && parsed.isObject() ? parsed.toString() : null;
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A rule matching a call of one of {@code tools} as {@code {"name": "<name>", "<argumentsKey>": <arguments>}}, the
     * arguments matching the tool's parameters schema.
     *
     * @throws org.openmaas.grammar.GrammarException when a schema cannot be expressed
     */
    static String grammar(Gbnf gbnf, List<ToolDefinition> tools, String argumentsKey) {
        return gbnf.rule("call", Gbnf.alternatives(tools.stream().map(tool -> Gbnf.sequence(
                Gbnf.literal("{\"name\": \"" + tool.name() + "\", \"" + argumentsKey + "\": "),
                arguments(gbnf, tool), Gbnf.literal("}"))).toList()));
    }

    /** A rule matching the arguments of {@code tool}: a JSON object its parameters schema accepts. */
    static String arguments(Gbnf gbnf, ToolDefinition tool) {
        JsonNode schema = JsonSchemaGrammar.parse(tool.parameters().orElse(ANY_OBJECT));
        return JsonSchemaGrammar.addTo(gbnf, "args-" + tool.name(), schema);
    }

    /** {@code one} once, or (parallel calls allowed) once or more with {@code separator} between. */
    static String repeated(String one, String separator, boolean parallel) {
        return parallel ? Gbnf.sequence(one, "(" + Gbnf.sequence(Gbnf.literal(separator), one) + ")*") : one;
    }
}
