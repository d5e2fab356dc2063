package org.openmaas.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which JSON texts a compiled schema accepts, keyword by keyword, and what the compiler refuses. */
class JsonSchemaGrammarTest {

    @Test
    void primitiveTypesAcceptTheirValuesOnly() {
        assertAccepts("{\"type\": \"string\"}", "\"hi\"", "\"\"", "\"a\\\"b\\u00e9\"");
        assertRejects("{\"type\": \"string\"}", "hi", "\"\\ud800\"", "\"a\nb\"");
        assertAccepts("{\"type\": \"integer\"}", "0", "-12", "1234567");
        assertRejects("{\"type\": \"integer\"}", "01", "-0.5", "1e3", "+1");
        assertAccepts("{\"type\": \"number\"}", "0", "-1.25", "3e-7", "10.0E+2");
        assertRejects("{\"type\": \"number\"}", ".5", "1.", "NaN");
        assertAccepts("{\"type\": \"boolean\"}", "true", "false");
        assertAccepts("{\"type\": \"null\"}", "null");
        assertRejects("{\"type\": \"null\"}", "\"null\"");
    }

    @Test
    void aListOfTypesAcceptsEach() {
        assertAccepts("{\"type\": [\"string\", \"null\"]}", "\"x\"", "null");
        assertRejects("{\"type\": [\"string\", \"null\"]}", "1");
    }

    @Test
    void anEmptySchemaAcceptsAnyValueWithLimitedWhitespace() {
        assertAccepts("{}", "{\"a\": [1, {\"b\": null}], \"c\": \"d\"}", "[]", "{ }", "{\n  \"a\": 1\n}");
        assertRejects("{}", "{\"a\":      1}", " 1");
        assertAccepts("{\"type\": \"object\"}", "{}", "{\"a\": {\"b\": [1, \"c\"]}}");
        assertRejects("{\"type\": \"object\"}", "[]", "1");
        assertAccepts("{\"type\": \"array\"}", "[]", "[{}, [null]]");
    }

    @Test
    void propertiesComeInOrderRequiredFirstAndOthersOnlyWhenAllowed() {
        String schema = """
                {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"},
                 "c": {"type": "boolean"}}, "required": ["b"]}""";
        assertAccepts(schema, "{\"b\": \"x\"}", "{\"b\": \"x\", \"a\": 1}", "{\"b\": \"x\", \"a\": 1, \"c\": true}",
                "{\"b\": \"x\", \"c\": false}");
        assertRejects(schema, "{}", "{\"a\": 1}", "{\"b\": \"x\", \"d\": 1}", "{\"b\": \"x\",}");
    }

    @Test
    void additionalPropertiesAllowOtherNamesButNeverADeclaredOneAgain() {
        String schema = """
                {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"],
                 "additionalProperties": {"type": "integer"}}""";
        assertAccepts(schema, "{\"name\": \"x\"}", "{\"name\": \"x\", \"age\": 3, \"n\": 4}",
                "{\"name\": \"x\", \"names\": 1}", "{\"name\": \"x\", \"\": 1}");
        assertRejects(schema, "{\"name\": \"x\", \"name\": 3}", "{\"name\": \"x\", \"age\": \"3\"}");
        assertAccepts("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"boolean\"}}", "{}",
                "{\"x\": true}");
        assertRejects("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"boolean\"}}", "{\"x\": 1}");
    }

    @Test
    void enumAndConstAcceptExactlyTheirValues() {
        assertAccepts("{\"enum\": [\"red\", 2, null, {\"a\": [1]}]}", "\"red\"", "2", "null", "{\"a\":[1]}");
        assertRejects("{\"enum\": [\"red\", 2]}", "\"blue\"", "3");
        assertAccepts("{\"const\": \"only\"}", "\"only\"");
        assertRejects("{\"const\": \"only\"}", "\"other\"");
    }

    @Test
    void anyOfAndOneOfAcceptEachAlternative() {
        assertAccepts("{\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"string\", \"maxLength\": 1}]}", "5", "\"a\"");
        assertRejects("{\"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"boolean\"}]}", "\"a\"");
    }

    @Test
    void allOfOfObjectSchemasMergesTheirProperties() {
        String schema = """
                {"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                           {"properties": {"b": {"type": "string"}}, "required": ["b"]}]}""";
        assertAccepts(schema, "{\"a\": 1, \"b\": \"x\"}");
        assertRejects(schema, "{\"a\": 1}", "{\"b\": \"x\"}");
    }

    @Test
    void referencesResolveIncludingRecursiveOnes() {
        String tree = """
                {"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"},
                  "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["value"]}},
                 "$ref": "#/$defs/node"}""";
        assertAccepts(tree, "{\"value\": 1}", "{\"value\": 1, \"children\": [{\"value\": 2, \"children\": []}]}");
        assertRejects(tree, "{\"value\": 1, \"children\": [{}]}");
        assertAccepts("{\"definitions\": {\"s\": {\"type\": \"string\"}}, \"type\": \"array\", "
                + "\"items\": {\"$ref\": \"#/definitions/s\"}}", "[\"a\", \"b\"]");
    }

    @Test
    void arraysHonourItemsPrefixItemsAndTheirCounts() {
        assertAccepts("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 3}",
                "[1]", "[1, 2, 3]");
        assertRejects("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 3}",
                "[]", "[1, 2, 3, 4]", "[\"a\"]");
        String tuple = "{\"type\": \"array\", \"prefixItems\": [{\"type\": \"string\"}, {\"type\": \"integer\"}], "
                + "\"items\": false}";
        assertAccepts(tuple, "[\"a\", 1]");
        assertRejects(tuple, "[\"a\"]", "[\"a\", 1, 2]", "[1, \"a\"]");
        assertAccepts("{\"prefixItems\": [{\"type\": \"null\"}], \"items\": {\"type\": \"boolean\"}, \"maxItems\": 2}",
                "[null]", "[null, true]");
        assertRejects("{\"prefixItems\": [{\"type\": \"null\"}], \"items\": {\"type\": \"boolean\"}, \"maxItems\": 2}",
                "[null, true, false]");
    }

    @Test
    void stringLengthsCountCharactersEscapesIncluded() {
        String schema = "{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}";
        assertAccepts(schema, "\"ab\"", "\"a\\nc\"", "\"abc\"");
        assertRejects(schema, "\"a\"", "\"abcd\"");
    }

    @Test
    void aPatternIsMatchedAnywhereUnlessAnchored() {
        assertAccepts("{\"type\": \"string\", \"pattern\": \"^[a-z]+-[0-9]{2}$\"}", "\"ab-12\"");
        assertRejects("{\"type\": \"string\", \"pattern\": \"^[a-z]+-[0-9]{2}$\"}", "\"ab-1\"", "\"xab-12 \"",
                "\"AB-12\"");
        assertAccepts("{\"type\": \"string\", \"pattern\": \"[0-9]{3}\"}", "\"abc123def\"", "\"123\"");
        assertRejects("{\"type\": \"string\", \"pattern\": \"[0-9]{3}\"}", "\"12a\"");
        assertAccepts("{\"type\": \"string\", \"pattern\": \"^a\\\"b$\"}", "\"a\\\"b\"");
    }

    @Test
    void formatsAcceptWellFormedValuesOnly() {
        assertAccepts("{\"type\": \"string\", \"format\": \"date\"}", "\"2024-02-28\"", "\"1999-12-31\"");
        assertRejects("{\"type\": \"string\", \"format\": \"date\"}", "\"2024-02-30\"", "\"2024-13-01\"",
                "\"2024-04-31\"");
        assertAccepts("{\"type\": \"string\", \"format\": \"time\"}", "\"23:59:59Z\"", "\"08:00:00.5+02:00\"");
        assertAccepts("{\"type\": \"string\", \"format\": \"date-time\"}", "\"2024-01-02T03:04:05Z\"");
        assertRejects("{\"type\": \"string\", \"format\": \"date-time\"}", "\"2024-01-02 03:04:05Z\"");
        assertAccepts("{\"type\": \"string\", \"format\": \"uuid\"}", "\"123e4567-e89b-12d3-a456-426614174000\"");
        assertRejects("{\"type\": \"string\", \"format\": \"uuid\"}", "\"123e4567e89b12d3a456426614174000\"");
    }

    @Test
    void integerBoundsAreExactInclusiveOrExclusive() {
        String schema = "{\"type\": \"integer\", \"minimum\": 15, \"maximum\": 213}";
        for (int n = -300; n <= 300; n++) {
            boolean inside = n >= 15 && n <= 213;
            assertThat(GbnfMatcher.matches(JsonSchemaGrammar.compile(schema), Integer.toString(n)))
                    .as("%d in [15, 213]", n).isEqualTo(inside);
        }
        String negative = "{\"type\": \"integer\", \"exclusiveMinimum\": -20, \"exclusiveMaximum\": 7}";
        for (int n = -100; n <= 100; n++) {
            assertThat(GbnfMatcher.matches(JsonSchemaGrammar.compile(negative), Integer.toString(n)))
                    .as("%d in (-20, 7)", n).isEqualTo(n > -20 && n < 7);
        }
        assertAccepts("{\"type\": \"integer\", \"minimum\": 0}", "0", "7", "1000000");
        assertRejects("{\"type\": \"integer\", \"minimum\": 0}", "-1", "-0");
        assertAccepts("{\"type\": \"integer\", \"maximum\": -5}", "-5", "-123");
        assertRejects("{\"type\": \"integer\", \"maximum\": -5}", "-4", "0", "5");
    }

    @Test
    void numberBoundsFromZeroAreExact() {
        String schema = "{\"type\": \"number\", \"minimum\": 1, \"maximum\": 10}";
        assertAccepts(schema, "1", "1.5", "9.999", "10", "10.000");
        assertRejects(schema, "0.5", "10.01", "11", "-1");
    }

    @Test
    void whatCannotBeExpressedIsRefusedNamingTheKeywordAndItsPointer() {
        assertRefused("{\"type\": \"array\", \"uniqueItems\": true}", "uniqueItems", "/uniqueItems");
        assertRefused("{\"properties\": {\"a\": {\"not\": {\"type\": \"string\"}}}}", "not", "/properties/a/not");
        assertRefused("{\"type\": \"number\", \"minimum\": -1.5}", "minimum", "/");
        assertRefused("{\"type\": \"number\", \"exclusiveMaximum\": 3}", "exclusiveMaximum", "/exclusiveMaximum");
        assertRefused("{\"type\": \"string\", \"format\": \"hostname\"}", "format", "/format");
        assertRefused("{\"$ref\": \"https://example.com/s.json\"}", "$ref", "/$ref");
        assertRefused("{\"$ref\": \"#/$defs/missing\"}", "$ref", "/$ref");
        assertRefused("{\"type\": \"string\", \"maxLength\": 5000}", "maxLength", "/maxLength");
        assertRefused("{\"items\": {\"type\": \"string\", \"pattern\": \"(a)\\\\1\"}}", "backreference",
                "/items/pattern (offset 3)");
        assertRefused("{\"type\": \"objekt\"}", "type", "/type");
        assertRefused("not json", "schema", "/");
        assertRefused("{\"minProperties\": 1}", "minProperties", "/minProperties");
    }

    @Test
    void schemasComposeIntoOneGrammarWithTextAroundThem() {
        Gbnf gbnf = new Gbnf();
        String weather = JsonSchemaGrammar.addTo(gbnf, "weather", JsonSchemaGrammar.parse(
                "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}"));
        String count = JsonSchemaGrammar.addTo(gbnf, "count", JsonSchemaGrammar.parse("{\"type\": \"integer\"}"));
        String grammar = gbnf.build(Gbnf.sequence(Gbnf.literal("<tool_call>"),
                Gbnf.alternatives(java.util.List.of(weather, count)), Gbnf.literal("</tool_call>")));

        assertThat(GbnfMatcher.matches(grammar, "<tool_call>{\"city\": \"Oslo\"}</tool_call>")).isTrue();
        assertThat(GbnfMatcher.matches(grammar, "<tool_call>42 </tool_call>")).isTrue();
        assertThat(GbnfMatcher.matches(grammar, "<tool_call>{\"city\": 1}</tool_call>")).isFalse();
        assertThat(GbnfMatcher.matches(grammar, "{\"city\": \"Oslo\"}")).isFalse();
    }

    private static void assertAccepts(String schema, String... documents) {
        String grammar = JsonSchemaGrammar.compile(schema);
        for (String document : documents) {
            assertThat(GbnfMatcher.matches(grammar, document)).as("%s accepts %s%n%s", schema, document, grammar)
                    .isTrue();
        }
    }

    private static void assertRejects(String schema, String... documents) {
        String grammar = JsonSchemaGrammar.compile(schema);
        for (String document : documents) {
            assertThat(GbnfMatcher.matches(grammar, document)).as("%s rejects %s%n%s", schema, document, grammar)
                    .isFalse();
        }
    }

    private static void assertRefused(String schema, String keyword, String pointer) {
        assertThatThrownBy(() -> JsonSchemaGrammar.compile(schema)).isInstanceOfSatisfying(GrammarException.class,
                e -> {
                    assertThat(e.construct()).isEqualTo(keyword);
                    assertThat(e.location()).isEqualTo(pointer);
                    assertThat(e.getMessage()).startsWith(keyword + " at " + pointer + ": ");
                });
    }
}
