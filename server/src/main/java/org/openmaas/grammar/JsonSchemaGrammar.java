package org.openmaas.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * JSON Schema to GBNF: a grammar whose every text is one JSON value the schema accepts. Every accepted text
 * validates; not every valid document can be generated, where a simpler grammar keeps small models from wandering
 * (properties come in the order declared, required ones first; a schema with {@code properties} and no
 * {@code additionalProperties} gets no other properties; whitespace is limited).
 *
 * <p>Expressed: {@code type} (one or a list), {@code properties}, {@code required}, {@code additionalProperties},
 * {@code enum}, {@code const}, {@code anyOf}, {@code oneOf} (as anyOf), {@code allOf} (of object schemas, merged),
 * {@code $ref} to {@code #}, {@code #/$defs/...} or {@code #/definitions/...} (recursion included), {@code items},
 * {@code prefixItems}, {@code minItems}, {@code maxItems}, {@code minLength}, {@code maxLength}, {@code pattern}
 * (see {@link RegexGrammar}), {@code format} date, time, date-time and uuid, integer bounds (inclusive and exclusive)
 * and number bounds that are whole numbers from 0 up. Annotations are ignored. Every other keyword that constrains
 * a value is refused with a {@link GrammarException} naming it and its JSON pointer.
 */
public final class JsonSchemaGrammar {

    /** Keywords this compiler cannot express: refused rather than silently ignored. */
    private static final Set<String> REFUSED = Set.of("not", "if", "then", "else", "patternProperties",
            "propertyNames", "dependentSchemas", "dependentRequired", "dependencies", "minProperties", "maxProperties",
            "uniqueItems", "contains", "minContains", "maxContains", "multipleOf", "unevaluatedProperties",
            "unevaluatedItems", "additionalItems", "$dynamicRef", "$recursiveRef");
    /** Keywords that say nothing about which values are valid. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$anchor", "$comment", "$defs",
            "definitions", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
            "contentMediaType", "contentEncoding");
    private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required", "additionalProperties");
    private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "prefixItems", "minItems", "maxItems");
    private static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength", "pattern", "format");
    private static final Set<String> NUMBER_KEYWORDS = Set.of("minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum");
    private static final List<String> TYPES = List.of("object", "array", "string", "number", "integer", "boolean",
            "null");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The primitive rules, added to a grammar when first used. */
    private static final Map<String, Primitive> PRIMITIVES = primitives();

    private final Gbnf gbnf;
    private final JsonNode root;                                   // the schema $refs resolve against
    private final Map<String, String> refRules = new HashMap<>(); // $ref -> its rule, so recursion ends

    private JsonSchemaGrammar(Gbnf gbnf, JsonNode root) {
        this.gbnf = gbnf;
        this.root = root;
    }

    /** A complete grammar for the schema given as JSON text. */
    public static String compile(String schemaJson) {
        return compile(parse(schemaJson));
    }

    /** A complete grammar for the schema. */
    public static String compile(JsonNode schema) {
        Gbnf gbnf = new Gbnf();
        return gbnf.build(addTo(gbnf, "value", schema));
    }

    /**
     * Adds the schema's rules to a grammar being composed and returns the name of the rule matching one value
     * (followed by optional whitespace), for the caller to place in its own rules.
     *
     * @param name the name the value's rule gets (made unique in {@code gbnf})
     */
    public static String addTo(Gbnf gbnf, String name, JsonNode schema) {
        JsonSchemaGrammar compiler = new JsonSchemaGrammar(gbnf, schema);
        return gbnf.rule(name, compiler.visit(schema, name, ""));
    }

    /** The schema's JSON text parsed. */
    public static JsonNode parse(String schemaJson) {
        try {
            return JSON.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new GrammarException("schema", "/", "the schema is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** An expression for one value the schema at {@code pointer} accepts, then optional whitespace. */
    private String visit(JsonNode schema, String name, String pointer) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw new GrammarException("false", at(pointer), "the schema false accepts no value");
            }
            return primitive("value");
        }
        if (!schema.isObject()) {
            throw new GrammarException("schema", at(pointer), "a schema must be an object or a boolean, got "
                    + schema.getNodeType());
        }
        for (String keyword : iterable(schema.fieldNames())) {
            if (REFUSED.contains(keyword)) {
                throw new GrammarException(keyword, at(pointer + "/" + keyword), keyword
                        + " cannot be expressed as a grammar; leave it out");
            }
        }
        if (schema.has("$ref")) {
            onlyBeside(schema, "$ref", pointer);
            return ref(schema.get("$ref"), pointer + "/$ref");
        }
        if (schema.has("const")) {
            return gbnf.rule(name, Gbnf.literal(write(schema.get("const"))) + " " + primitive("ws"));
        }
        if (schema.has("enum")) {
            return enumeration(schema.get("enum"), name, pointer + "/enum");
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            if (schema.has(keyword)) {
                onlyBeside(schema, keyword, pointer);
                return alternatives(schema.get(keyword), name, pointer + "/" + keyword);
            }
        }
        if (schema.has("allOf")) {
            return visit(merge(schema, pointer), name, pointer);
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            List<String> options = new ArrayList<>();
            for (int i = 0; i < type.size(); i++) {
                ObjectNode single = ((ObjectNode) schema).deepCopy();
                single.set("type", type.get(i));
                options.add(visit(single, name + "-" + type.get(i).asText(), pointer));
            }
            return gbnf.rule(name, Gbnf.alternatives(options));
        }
        return switch (typeOf(schema, pointer)) {
            case "object" -> object(schema, name, pointer);
            case "array" -> array(schema, name, pointer);
            case "string" -> string(schema, name, pointer);
            case "integer" -> integer(schema, name, pointer);
            case "number" -> number(schema, name, pointer);
            case "boolean" -> primitive("boolean");
            case "null" -> primitive("null");
            default -> primitive("value");
        };
    }

    /** The schema's type: as given, else the one its keywords imply, else "any". */
    private static String typeOf(JsonNode schema, String pointer) {
        JsonNode type = schema.get("type");
        if (type != null) {
            if (!type.isTextual() || !TYPES.contains(type.asText())) {
                throw new GrammarException("type", at(pointer + "/type"), "type must be one of " + TYPES
                        + " or a list of them, got " + type);
            }
            return type.asText();
        }
        for (String keyword : iterable(schema.fieldNames())) {
            if (OBJECT_KEYWORDS.contains(keyword)) return "object";
            if (ARRAY_KEYWORDS.contains(keyword)) return "array";
            if (STRING_KEYWORDS.contains(keyword)) return "string";
            if (NUMBER_KEYWORDS.contains(keyword)) return "number";
        }
        return "any";
    }

    private String ref(JsonNode ref, String pointer) {
        String target = ref.asText();
        String rule = refRules.get(target);
        if (rule != null) {
            return rule;
        }
        if (!target.equals("#") && !target.startsWith("#/")) {
            throw new GrammarException("$ref", at(pointer), "only references inside the schema (#, #/$defs/..., "
                    + "#/definitions/...) are supported, got " + target);
        }
        JsonNode resolved = target.equals("#") ? root : root.at(target.substring(1));
        if (resolved.isMissingNode()) {
            throw new GrammarException("$ref", at(pointer), target + " points at nothing in the schema");
        }
        String name = target.equals("#") ? "root-value" : target.substring(target.lastIndexOf('/') + 1);
        rule = gbnf.reserve(name);
        refRules.put(target, rule); // before visiting, so a recursive reference finds it
        gbnf.define(rule, visit(resolved, rule, target.substring(1)));
        return rule;
    }

    private String enumeration(JsonNode values, String name, String pointer) {
        if (!values.isArray() || values.isEmpty()) {
            throw new GrammarException("enum", at(pointer), "enum must be a non-empty list of values");
        }
        List<String> literals = new ArrayList<>();
        values.forEach(value -> literals.add(Gbnf.literal(write(value))));
        return gbnf.rule(name, Gbnf.alternatives(literals) + " " + primitive("ws"));
    }

    private String alternatives(JsonNode schemas, String name, String pointer) {
        if (!schemas.isArray() || schemas.isEmpty()) {
            throw new GrammarException(pointer.substring(pointer.lastIndexOf('/') + 1), at(pointer),
                    "must be a non-empty list of schemas");
        }
        List<String> options = new ArrayList<>();
        for (int i = 0; i < schemas.size(); i++) {
            options.add(visit(schemas.get(i), name + "-" + i, pointer + "/" + i));
        }
        return gbnf.rule(name, Gbnf.alternatives(options));
    }

    /** allOf of object schemas as one object schema: their properties and required lists united. */
    private ObjectNode merge(JsonNode schema, String pointer) {
        ObjectNode merged = ((ObjectNode) schema).deepCopy();
        merged.remove("allOf");
        JsonNode parts = schema.get("allOf");
        if (!parts.isArray() || parts.isEmpty()) {
            throw new GrammarException("allOf", at(pointer + "/allOf"), "must be a non-empty list of schemas");
        }
        for (int i = 0; i < parts.size(); i++) {
            String partPointer = pointer + "/allOf/" + i;
            JsonNode part = parts.get(i);
            while (part.has("$ref")) {
                String target = part.get("$ref").asText();
                part = target.equals("#") ? root : root.at(target.startsWith("#") ? target.substring(1) : "/-");
                if (part.isMissingNode()) {
                    throw new GrammarException("$ref", at(partPointer + "/$ref"), target + " points at nothing here");
                }
            }
            for (String keyword : iterable(part.fieldNames())) {
                switch (keyword) {
                    case "properties" -> part.get(keyword).fields().forEachRemaining(p -> {
                        JsonNode properties = merged.has("properties") ? merged.get("properties")
                                : merged.putObject("properties");
                        if (properties.has(p.getKey()) && !properties.get(p.getKey()).equals(p.getValue())) {
                            throw new GrammarException("allOf", at(partPointer + "/properties/" + p.getKey()),
                                    "property " + p.getKey() + " is declared differently in two parts");
                        }
                        ((ObjectNode) properties).set(p.getKey(), p.getValue());
                    });
                    case "required" -> {
                        ArrayNode required = merged.has("required") ? (ArrayNode) merged.get("required")
                                : merged.putArray("required");
                        part.get(keyword).forEach(required::add);
                    }
                    case "type" -> {
                        if (!part.get("type").asText().equals("object")) {
                            throw new GrammarException("allOf", at(partPointer + "/type"), "allOf is only "
                                    + "supported for object schemas, whose properties and required lists are merged");
                        }
                        merged.put("type", "object");
                    }
                    default -> {
                        if (!ANNOTATIONS.contains(keyword)) {
                            throw new GrammarException("allOf", at(partPointer + "/" + keyword), "allOf is only "
                                    + "supported for object schemas of type, properties and required; " + keyword
                                    + " cannot be merged");
                        }
                    }
                }
            }
        }
        return merged;
    }

    private String object(JsonNode schema, String name, String pointer) {
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        if (!properties.isObject() && !schema.has("required") && (additional == null || additional.equals(
                JsonNodeFactory.instance.booleanNode(true)))) {
            return primitive("object");
        }
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        properties.fields().forEachRemaining(p -> declared.put(p.getKey(), p.getValue()));
        for (String key : required) {
            // A required property without a schema of its own takes additionalProperties' (anything, if absent).
            declared.putIfAbsent(key, additional != null && additional.isObject() ? additional
                    : JsonNodeFactory.instance.booleanNode(true));
        }
        List<String> requiredPairs = new ArrayList<>();
        List<String> optionalPairs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> property : declared.entrySet()) {
            String key = property.getKey();
            String propertyPointer = pointer + (properties.has(key) ? "/properties/" + escapePointer(key)
                    : "/additionalProperties");
            String value = visit(property.getValue(), name + "-" + key, propertyPointer);
            String pair = gbnf.rule(name + "-" + key + "-kv",
                    Gbnf.literal(JsonText.quote(key)) + " " + primitive("ws") + " \":\" " + primitive("ws") + " "
                            + value);
            (required.contains(key) ? requiredPairs : optionalPairs).add(pair);
        }
        if (additional != null && !additional.equals(JsonNodeFactory.instance.booleanNode(false))) {
            String value = visit(additional, name + "-additional", pointer + "/additionalProperties");
            String pair = gbnf.rule(name + "-additional-kv", "\"\\\"\" " + otherKey(declared.keySet()) + " \"\\\"\" "
                    + primitive("ws") + " \":\" " + primitive("ws") + " " + value);
            optionalPairs.add(gbnf.rule(name + "-additional-kvs", pair + " (\",\" " + primitive("ws") + " " + pair
                    + ")*"));
        }
        StringBuilder body = new StringBuilder("\"{\" ").append(primitive("ws"));
        String comma = " \",\" " + primitive("ws") + " ";
        body.append(requiredPairs.isEmpty() ? "" : " " + String.join(comma, requiredPairs));
        if (!optionalPairs.isEmpty()) {
            String rest = optionalChain(optionalPairs, name, comma);
            body.append(requiredPairs.isEmpty() ? " (" + rest + ")?" : " (" + comma + rest + ")?");
        }
        return gbnf.rule(name, body.append(" \"}\" ").append(primitive("ws")).toString());
    }

    /**
     * Any non-empty run of the optional pairs, in order: rule i is pair i, optionally followed by the rule of a later
     * one, or the rule of pair i + 1 (pair i left out).
     */
    private String optionalChain(List<String> pairs, String name, String comma) {
        String next = null;
        for (int i = pairs.size() - 1; i >= 0; i--) {
            String body = next == null ? pairs.get(i)
                    : pairs.get(i) + " (" + comma + next + ")? | " + next;
            next = gbnf.rule(name + "-rest-" + i, body);
        }
        return next;
    }

    /**
     * The escaped content of a property name other than {@code taken}, so that an additional property never repeats
     * a declared one: a trie of the taken names, leaving it at the first character that differs.
     */
    private String otherKey(Set<String> taken) {
        TreeMap<Integer, Object> trie = new TreeMap<>();
        for (String key : taken) {
            String escaped = JsonText.quote(key);
            TreeMap<Integer, Object> node = trie;
            for (int c : escaped.substring(1, escaped.length() - 1).codePoints().toArray()) {
                @SuppressWarnings("unchecked")
                TreeMap<Integer, Object> child = (TreeMap<Integer, Object>) node.computeIfAbsent(c, x -> new TreeMap<>());
                node = child;
            }
            node.put(-1, Boolean.TRUE); // a taken name ends here
        }
        return otherKey(trie);
    }

    private String otherKey(TreeMap<Integer, Object> node) {
        List<String> options = new ArrayList<>();
        StringBuilder others = new StringBuilder("[^\\x00-\\x1F\\x22\\x5C\\x7F");
        for (Map.Entry<Integer, Object> child : node.entrySet()) {
            if (child.getKey() >= 0) {
                @SuppressWarnings("unchecked")
                TreeMap<Integer, Object> next = (TreeMap<Integer, Object>) child.getValue();
                options.add(Gbnf.literal(Character.toString(child.getKey())) + " " + otherKey(next));
                others.append(Gbnf.escape(child.getKey()));
            }
        }
        options.add(others.append("] ").append(primitive("char")).append("*").toString());
        String any = "(" + String.join(" | ", options) + ")";
        return node.containsKey(-1) ? any : any + "?"; // a taken name must go on; elsewhere it may end
    }

    private String array(JsonNode schema, String name, String pointer) {
        int minItems = count(schema, "minItems", pointer, 0);
        int maxItems = count(schema, "maxItems", pointer, -1);
        JsonNode items = schema.get("items");
        JsonNode prefix = schema.get("prefixItems");
        String comma = "\",\" " + primitive("ws");
        List<String> tuple = new ArrayList<>();
        if (prefix != null) {
            if (!prefix.isArray()) {
                throw new GrammarException("prefixItems", at(pointer + "/prefixItems"), "must be a list of schemas");
            }
            for (int i = 0; i < prefix.size(); i++) {
                tuple.add(visit(prefix.get(i), name + "-" + i, pointer + "/prefixItems/" + i));
            }
        }
        boolean more = items == null ? prefix == null || minItems > tuple.size() : !items.equals(
                JsonNodeFactory.instance.booleanNode(false));
        String item = more ? visit(items == null ? JsonNodeFactory.instance.booleanNode(true) : items,
                name + "-item", pointer + "/items") : null;
        // The tuple always comes whole (a shorter array is valid too, but not generated), then further items.
        int least = Math.max(0, minItems - tuple.size());
        int most = maxItems < 0 ? -1 : maxItems - tuple.size();
        if (most < 0 && maxItems >= 0 || (!more && least > 0) || (maxItems >= 0 && maxItems < minItems)) {
            throw new GrammarException("maxItems", at(pointer + "/maxItems"), "no array satisfies prefixItems, items, "
                    + "minItems and maxItems together");
        }
        StringBuilder body = new StringBuilder("\"[\" ").append(primitive("ws"));
        if (!tuple.isEmpty()) {
            body.append(" ").append(String.join(" " + comma + " ", tuple));
            if (more && most != 0) {
                body.append(" (").append(comma).append(" ").append(item).append(")").append(repeat(least, most));
            }
        } else if (more && most != 0) {
            String rest = least <= 1 ? repeat(0, most < 0 ? -1 : most - 1) : repeat(least - 1, most - 1);
            String run = item + " (" + comma + " " + item + ")" + rest;
            body.append(least == 0 ? " (" + run + ")?" : " " + run);
        }
        return gbnf.rule(name, body.append(" \"]\" ").append(primitive("ws")).toString());
    }

    private static String repeat(int least, int most) {
        if (most < 0) {
            return least == 0 ? "*" : "{" + least + ",}";
        }
        return "{" + least + "," + most + "}";
    }

    private String string(JsonNode schema, String name, String pointer) {
        JsonNode format = schema.get("format");
        JsonNode pattern = schema.get("pattern");
        boolean lengths = schema.has("minLength") || schema.has("maxLength");
        if (format != null) {
            if (pattern != null || lengths) {
                throw new GrammarException("format", at(pointer + "/format"), "format cannot be combined with "
                        + "pattern, minLength or maxLength here");
            }
            String content = switch (format.asText()) {
                case "date" -> primitive("date");
                case "time" -> primitive("time");
                case "date-time" -> primitive("date-time");
                case "uuid" -> primitive("uuid");
                default -> throw new GrammarException("format", at(pointer + "/format"), "format " + format
                        + " is not supported; supported: date, time, date-time, uuid");
            };
            return gbnf.rule(name, "\"\\\"\" " + content + " \"\\\"\" " + primitive("ws"));
        }
        if (pattern != null) {
            if (lengths) {
                throw new GrammarException("pattern", at(pointer + "/pattern"), "pattern cannot be combined with "
                        + "minLength or maxLength here; bound the length in the pattern instead");
            }
            String content = RegexGrammar.jsonStringContent(pattern.asText(), primitive("char"), at(pointer + "/pattern"));
            return gbnf.rule(name, "\"\\\"\" " + content + " \"\\\"\" " + primitive("ws"));
        }
        if (!lengths) {
            return primitive("string");
        }
        int min = count(schema, "minLength", pointer, 0);
        int max = count(schema, "maxLength", pointer, -1);
        if (max >= 0 && max < min) {
            throw new GrammarException("maxLength", at(pointer + "/maxLength"), "maxLength is below minLength");
        }
        return gbnf.rule(name, "\"\\\"\" " + primitive("char") + repeat(min, max) + " \"\\\"\" " + primitive("ws"));
    }

    private String integer(JsonNode schema, String name, String pointer) {
        Long low = bound(schema, "minimum", pointer, true, false);
        Long exclusiveLow = bound(schema, "exclusiveMinimum", pointer, true, true);
        Long high = bound(schema, "maximum", pointer, false, false);
        Long exclusiveHigh = bound(schema, "exclusiveMaximum", pointer, false, true);
        if (exclusiveLow != null) low = low == null ? exclusiveLow : Math.max(low, exclusiveLow);
        if (exclusiveHigh != null) high = high == null ? exclusiveHigh : Math.min(high, exclusiveHigh);
        if (low == null && high == null) {
            return primitive("integer");
        }
        if (low != null && high != null && high < low) {
            throw new GrammarException("maximum", at(pointer), "no integer lies within minimum and maximum");
        }
        return gbnf.rule(name, IntegerRange.expression(low, high) + " " + primitive("ws"));
    }

    /**
     * An integer bound: a minimum rounds up, a maximum down, an exclusive one moves past its value.
     *
     * @return null when absent
     */
    private static Long bound(JsonNode schema, String keyword, String pointer, boolean lower, boolean exclusive) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || Math.abs(value.asDouble()) > IntegerRange.MAX_BOUND) {
            throw new GrammarException(keyword, at(pointer + "/" + keyword), keyword + " must be a number within ±"
                    + IntegerRange.MAX_BOUND + " for an integer");
        }
        double v = value.asDouble();
        double rounded = lower ? Math.floor(v) : Math.ceil(v);
        if (exclusive || rounded != v) {
            return (long) (lower ? Math.floor(v) + 1 : Math.ceil(v) - 1);
        }
        return (long) v;
    }

    private String number(JsonNode schema, String name, String pointer) {
        for (String exclusive : List.of("exclusiveMinimum", "exclusiveMaximum")) {
            if (schema.has(exclusive)) {
                throw new GrammarException(exclusive, at(pointer + "/" + exclusive), exclusive + " of a number "
                        + "cannot be expressed; use type integer, or minimum/maximum");
            }
        }
        JsonNode minimum = schema.get("minimum");
        JsonNode maximum = schema.get("maximum");
        if (minimum == null && maximum == null) {
            return primitive("number");
        }
        if (minimum == null || !wholeNumber(minimum) || minimum.asLong() < 0
                || (maximum != null && (!wholeNumber(maximum) || maximum.asLong() < minimum.asLong()))) {
            throw new GrammarException(minimum == null || !wholeNumber(minimum) || minimum.asLong() < 0 ? "minimum"
                    : "maximum", at(pointer), "number bounds are supported when minimum is a whole number from 0 to "
                    + IntegerRange.MAX_BOUND + " and maximum, if any, a whole number not below it; use type integer "
                    + "for other bounds");
        }
        long low = minimum.asLong();
        String fraction = "(\".\" " + primitive("decimal-part") + ")?";
        if (maximum == null) {
            return gbnf.rule(name, IntegerRange.expression(low, null) + " " + fraction + " " + primitive("ws"));
        }
        long high = maximum.asLong();
        String top = "\"" + high + "\" (\".\" \"0\"{1,16})?"; // the maximum itself, with zeros at most
        String below = high > low ? IntegerRange.expression(low, high - 1) + " " + fraction + " | " : "";
        return gbnf.rule(name, "(" + below + top + ") " + primitive("ws"));
    }

    private static boolean wholeNumber(JsonNode value) {
        return value.isNumber() && value.asDouble() == Math.rint(value.asDouble())
                && Math.abs(value.asDouble()) <= IntegerRange.MAX_BOUND;
    }

    /** A non-negative count keyword, at most {@link RegexGrammar#MAX_REPETITIONS}; {@code absent} when missing. */
    private static int count(JsonNode schema, String keyword, String pointer, int absent) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw new GrammarException(keyword, at(pointer + "/" + keyword), keyword
                    + " must be a non-negative integer, got " + value);
        }
        if (value.asInt() > RegexGrammar.MAX_REPETITIONS) {
            throw new GrammarException(keyword, at(pointer + "/" + keyword), keyword + " above "
                    + RegexGrammar.MAX_REPETITIONS + " cannot be expressed as a grammar");
        }
        return value.asInt();
    }

    /** Refuses keywords beside {@code keyword} that would constrain the value further (annotations are fine). */
    private static void onlyBeside(JsonNode schema, String keyword, String pointer) {
        for (String other : iterable(schema.fieldNames())) {
            if (!other.equals(keyword) && !ANNOTATIONS.contains(other)) {
                throw new GrammarException(other, at(pointer + "/" + other), other + " beside " + keyword
                        + " is not supported; move it into the " + keyword + " schema(s)");
            }
        }
    }

    /** The rule of a primitive, added to the grammar (with the primitives it uses) on first use. */
    private String primitive(String name) {
        Primitive primitive = PRIMITIVES.get(name);
        if (!gbnf.has(primitive.rule(), primitive.body())) {
            String rule = gbnf.rule(primitive.rule(), primitive.body());
            if (!rule.equals(primitive.rule())) {
                throw new IllegalStateException("the grammar already has a rule " + primitive.rule() + " of its own");
            }
            primitive.uses().forEach(this::primitive); // after adding it: JSON values nest, so the uses are cyclic
        }
        return primitive.rule();
    }

    /** A rule every JSON grammar may need; its name starts {@code json-}, which compiled schemas' rules avoid. */
    private record Primitive(String rule, String body, List<String> uses) {
    }

    private static Map<String, Primitive> primitives() {
        Map<String, Primitive> rules = new LinkedHashMap<>();
        // At most one space, or a newline and some indentation: small models cannot spin in whitespace forever.
        add(rules, "ws", "| \" \" | \"\\n\" [ \\t]{0,20}");
        // A character of a JSON string; u-escapes of surrogates are left out, as a lone one is not a character.
        add(rules, "char", "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-Ce-fE-F] "
                + "[0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))");
        add(rules, "string", "\"\\\"\" json-char* \"\\\"\" json-ws", "char", "ws");
        add(rules, "integral-part", "[0] | [1-9] [0-9]{0,15}");
        add(rules, "decimal-part", "[0-9]{1,16}");
        add(rules, "integer", "\"-\"? json-integral-part json-ws", "integral-part", "ws");
        add(rules, "number", "\"-\"? json-integral-part (\".\" json-decimal-part)? ([eE] [-+]? json-integral-part)? "
                + "json-ws", "integral-part", "decimal-part", "ws");
        add(rules, "boolean", "(\"true\" | \"false\") json-ws", "ws");
        add(rules, "null", "\"null\" json-ws", "ws");
        add(rules, "value", "json-object | json-array | json-string | json-number | json-boolean | json-null",
                "object", "array", "string", "number", "boolean", "null");
        add(rules, "object", "\"{\" json-ws (json-string \":\" json-ws json-value (\",\" json-ws json-string \":\" "
                + "json-ws json-value)*)? \"}\" json-ws", "ws", "string", "value");
        add(rules, "array", "\"[\" json-ws (json-value (\",\" json-ws json-value)*)? \"]\" json-ws", "ws", "value");
        // Calendar dates with the right number of days per month (29 February left out: leap years are not checked).
        add(rules, "date", "[0-9]{4} \"-\" ((\"0\" [13578] | \"1\" [02]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" "
                + "[01]) | (\"0\" [469] | \"11\") \"-\" (\"0\" [1-9] | [12] [0-9] | \"30\") | \"02\" \"-\" "
                + "(\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8]))");
        // Offsets below 18 hours: validators built on java.time refuse larger ones, though RFC 3339 allows them.
        add(rules, "time", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,6})? "
                + "(\"Z\" | [+-] (\"0\" [0-9] | \"1\" [0-7]) \":\" [0-5] [0-9])");
        add(rules, "date-time", "json-date \"T\" json-time", "date", "time");
        add(rules, "uuid", "[0-9a-f]{8} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{12}");
        return Map.copyOf(rules);
    }

    private static void add(Map<String, Primitive> rules, String name, String body, String... uses) {
        rules.put(name, new Primitive("json-" + name, body, List.of(uses)));
    }

    private static String write(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escapePointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String at(String pointer) {
        return pointer.isEmpty() ? "/" : pointer;
    }

    private static Iterable<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
