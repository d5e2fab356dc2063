package org.openmaas.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.openmaas.api.ApiException;
import org.openmaas.engine.OutputConstraint;

/**
 * OpenAI's {@code response_format} as an {@link OutputConstraint}: {@code text} (none), {@code json_object} (any JSON
 * object) or {@code json_schema} (JSON matching {@code json_schema.schema}, enforced while decoding whether
 * {@code strict} is set or not).
 */
final class ResponseFormat {

    static final String FIELD = "response_format";
    /** OpenAI's JSON mode: any object, never a bare string or number. */
    static final OutputConstraint.JsonSchema ANY_OBJECT = new OutputConstraint.JsonSchema("{\"type\":\"object\"}");

    private static final Set<String> JSON_SCHEMA_FIELDS = Set.of("name", "description", "schema", "strict");

    private ResponseFormat() {
    }

    static OutputConstraint constraint(JsonNode format) {
        if (format == null || format.isNull()) {
            return OutputConstraint.NONE;
        }
        if (!format.isObject() || !format.path("type").isTextual()) {
            throw invalid("response_format must be an object with a type: text, json_object or json_schema");
        }
        return switch (format.get("type").asText()) {
            case "text" -> OutputConstraint.NONE;
            case "json_object" -> ANY_OBJECT;
            case "json_schema" -> jsonSchema(format.get("json_schema"));
            default -> throw invalid("response_format.type '" + format.get("type").asText() + "' is not supported; "
                    + "allowed: text, json_object, json_schema");
        };
    }

    private static OutputConstraint jsonSchema(JsonNode jsonSchema) {
        if (jsonSchema == null || !jsonSchema.isObject()) {
            throw invalid("response_format.json_schema is required with type json_schema: "
                    + "{\"name\": \"...\", \"schema\": {...}, \"strict\": true}");
        }
        jsonSchema.fieldNames().forEachRemaining(name -> {
            if (!JSON_SCHEMA_FIELDS.contains(name)) {
                throw invalid("response_format.json_schema." + name + " is not a field of json_schema; allowed: name, "
                        + "description, schema, strict");
            }
        });
        JsonNode name = jsonSchema.get("name");
        if (name == null || !name.isTextual() || !name.asText().matches("[A-Za-z0-9_-]{1,64}")) {
            throw invalid("response_format.json_schema.name is required: 1 to 64 letters, digits, _ or -");
        }
        JsonNode strict = jsonSchema.get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) {
            throw invalid("response_format.json_schema.strict must be true or false");
        }
        JsonNode schema = jsonSchema.get("schema");
        if (schema == null || schema.isNull()) {
            return new OutputConstraint.JsonSchema("{}"); // OpenAI's schema is optional: any JSON value then
        }
        if (!schema.isObject()) {
            throw invalid("response_format.json_schema.schema must be a JSON Schema object");
        }
        return new OutputConstraint.JsonSchema(schema.toString());
    }

    private static ApiException.InvalidArgument invalid(String message) {
        return new ApiException.InvalidArgument(message, FIELD);
    }
}
