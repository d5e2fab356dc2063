package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;

/**
 * Generated JSON Schemas, decoded by the real engine on a random-weight model (whose unconstrained text is never JSON)
 * with several seeds: every output ends with EOS and is valid under a JSON Schema validator no one here wrote
 * (networknt's, format assertions on). The schemas bound every string, array and number, so every generation
 * finishes well within its token budget.
 */
class ConstrainedDecodingPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SchemaRegistry VALIDATOR = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                    .build()));

    private static LlamaEngine engine;
    private static int[] prompt;

    @BeforeContainer
    static void start() throws Exception {
        engine = LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.path(), 2048, 1, 4, 512, 16, null));
        prompt = engine.tokenize("{", false);
    }

    @AfterContainer
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Property(tries = 40)
    void everyOutputIsValidUnderItsSchema(@ForAll("schemas") JsonNode schema, @ForAll("seeds") long seed)
            throws Exception {
        GenerationRequest request = new GenerationRequest("property", "acct", new Prompt.Tokens(prompt), 1500,
                new Sampling(true, 1f, 0, 1f, 1f, 1f, 0f, seed), List.of(), 0, false,
                new OutputConstraint.JsonSchema(schema.toString()));
        engine.requireSupported(request);
        GenerationEvent.Finished finished = Generations.drain(engine.submit(request)).finished();

        assertThat(finished.reason()).as("%s (seed %d): %s", schema, seed, finished.generatedText())
                .isEqualTo(FinishReason.EOS_TOKEN);
        JsonNode output = JSON.readTree(finished.generatedText());
        Schema validator = VALIDATOR.getSchema(schema);
        assertThat(validator.validate(output)).as("%s (seed %d): %s", schema, seed, finished.generatedText())
                .isEmpty();
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<JsonNode> schemas() {
        return schema(2);
    }

    private static Arbitrary<JsonNode> schema(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(List.of(
                Arbitraries.of("boolean", "null").map(type -> object().put("type", type)),
                Combinators.combine(Arbitraries.integers().between(-1000, 1000), Arbitraries.integers().between(0, 500))
                        .as((min, span) -> object().put("type", "integer").put("minimum", min)
                                .put("maximum", min + span)),
                Arbitraries.integers().between(0, 6).map(max -> object().put("type", "string")
                        .put("minLength", max / 2).put("maxLength", max)),
                Arbitraries.of("date", "time", "date-time", "uuid").map(format -> object().put("type", "string")
                        .put("format", format)),
                Arbitraries.of("^[a-c]{1,3}-[0-9]$", "^(yes|no)$", "^\\d{2}:\\d{2}$").map(pattern -> object()
                        .put("type", "string").put("pattern", pattern)),
                Combinators.combine(Arbitraries.integers().between(0, 50), Arbitraries.integers().between(0, 50))
                        .as((min, span) -> object().put("type", "number").put("minimum", min).put("maximum", min + span)),
                Arbitraries.strings().alpha().ofMaxLength(4).list().ofMinSize(1).ofMaxSize(3).uniqueElements()
                        .map(values -> {
                            ObjectNode schema = object();
                            values.forEach(schema.putArray("enum")::add);
                            return schema;
                        })));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> inner = schema(depth - 1);
        Arbitrary<JsonNode> objects = Combinators.combine(
                inner.list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.integers().between(0, 7),
                Arbitraries.of(true, false))
                .as((properties, requiredMask, closed) -> {
                    ObjectNode schema = object().put("type", "object");
                    ObjectNode declared = schema.putObject("properties");
                    ArrayNode required = schema.putArray("required");
                    for (int i = 0; i < properties.size(); i++) {
                        declared.set("p" + i, properties.get(i));
                        if ((requiredMask & (1 << i)) != 0) {
                            required.add("p" + i);
                        }
                    }
                    if (closed) {
                        schema.put("additionalProperties", false);
                    }
                    return schema;
                });
        Arbitrary<JsonNode> arrays = Combinators.combine(inner, Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2))
                .as((items, min, extra) -> object().put("type", "array").<ObjectNode>set("items", items)
                        .put("minItems", min).put("maxItems", min + extra));
        Arbitrary<JsonNode> alternatives = inner.list().ofSize(2).map(options -> {
            ObjectNode schema = object();
            options.forEach(schema.putArray("anyOf")::add);
            return schema;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, leaf), net.jqwik.api.Tuple.of(3, objects), net.jqwik.api.Tuple.of(2, arrays),
                net.jqwik.api.Tuple.of(1, alternatives));
    }

    private static ObjectNode object() {
        return NODES.objectNode();
    }
}
