package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmaas.chat.tools.ReplyEvent;
import org.openmaas.chat.tools.ReplyParser;
import org.openmaas.chat.tools.ToolCallFormat;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.testing.TestModels;

/**
 * Forced tool calls decoded by llama.cpp under each family's grammar, on random-weight models with real tokenizers
 * (Llama 3's and Qwen2's): random weights write garbage unconstrained, so what is checked is what the grammar
 * guarantees — the reply is one call of a declared tool that the family's parser reads, its arguments valid under the
 * tool's schema (networknt's validator), and it ends with EOS.
 */
class ForcedToolCallsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry VALIDATOR = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final List<ToolDefinition> TOOLS = List.of(
            new ToolDefinition("get_weather", Optional.of("Weather in a city"), Optional.of("""
                    {"type": "object", "properties": {"city": {"type": "string", "maxLength": 8},
                     "days": {"type": "integer", "minimum": 1, "maximum": 7},
                     "unit": {"enum": ["celsius", "fahrenheit"]}},
                     "required": ["city", "unit"], "additionalProperties": false}""")),
            new ToolDefinition("set_alarm", Optional.empty(), Optional.of("""
                    {"type": "object", "properties": {"at": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                     "repeat": {"type": "boolean"}}, "required": ["at"], "additionalProperties": false}""")));

    private static final Map<String, LlamaEngine> engines = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        for (String vocabulary : List.of("llama-bpe", "qwen2")) {
            engines.put(vocabulary, LlamaEngine.start(new LlamaEngine.Config(TestModels.withTokenizer(vocabulary),
                    512, 1, 2, 512, 8, null)));
        }
    }

    @AfterAll
    static void stop() {
        engines.values().forEach(LlamaEngine::close);
    }

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("meta-llama-Llama-3.1-8B-Instruct", "llama-bpe"),
                Arguments.of("Qwen-Qwen2.5-7B-Instruct", "qwen2"),
                Arguments.of("NousResearch-Hermes-3-Llama-3.1-8B-tool_use", "llama-bpe"),
                Arguments.of("mistralai-Mistral-Nemo-Instruct-2407", "llama-bpe"),
                Arguments.of("Mistral-Small-3.2-24B-Instruct-2506", "llama-bpe"),
                Arguments.of("ibm-granite-granite-3.3-2B-Instruct", "llama-bpe"),
                Arguments.of("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B", "qwen2"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("families")
    void aForcedCallAlwaysParsesAndItsArgumentsFitTheSchema(String template, String vocabulary) throws Exception {
        ToolCallFormat format = ToolCallFormat.forTemplate(Files.readString(LlamaSource.folder()
                .resolve("models/templates/" + template + ".jinja"))).orElseThrow();
        LlamaEngine engine = engines.get(vocabulary);
        for (long seed = 1; seed <= 2; seed++) {
            GenerationRequest request = new GenerationRequest("tools", "acct",
                    new Prompt.Tokens(engine.tokenize("What is the weather?", true)), 400,
                    new Sampling(true, 1f, 0, 1f, 1f, 1f, 0f, seed), List.of(), 0, false,
                    new OutputConstraint.Gbnf(format.grammar(TOOLS, false)));
            engine.requireSupported(request);
            Generations.Outcome outcome = Generations.drain(engine.submit(request));
            String reply = reply(outcome, format);

            assertThat(outcome.finished().reason()).as("%s seed %d: %s", format.family(), seed, reply)
                    .isEqualTo(FinishReason.EOS_TOKEN);
            ToolCall call = onlyCall(format, reply);
            ToolDefinition tool = TOOLS.stream().filter(t -> t.name().equals(call.name())).findFirst().orElseThrow();
            Schema schema = VALIDATOR.getSchema(JSON.readTree(tool.parameters().orElseThrow()));
            assertThat(schema.validate(JSON.readTree(call.arguments()))).as("%s seed %d: %s", format.family(), seed,
                    reply).isEmpty();
        }
    }

    /** The reply's text as the API reads it: control tokens left out but for the family's call markers. */
    private static String reply(Generations.Outcome outcome, ToolCallFormat format) {
        StringBuilder text = new StringBuilder();
        List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>(outcome.tokens());
        outcome.finished().lastToken().ifPresent(tokens::add);
        for (GenerationEvent.TokenGenerated token : tokens) {
            if (!token.token().special() || format.controlMarkers().contains(token.token().text())) {
                text.append(token.token().text());
            }
        }
        return text.toString();
    }

    private static ToolCall onlyCall(ToolCallFormat format, String reply) {
        ReplyParser parser = new ReplyParser(format);
        List<ReplyEvent> events = new ArrayList<>(parser.add(reply));
        events.addAll(parser.finish());
        assertThat(events).as("%s: %s", format.family(), reply).singleElement().isInstanceOf(ReplyEvent.Call.class);
        return ((ReplyEvent.Call) events.getFirst()).call();
    }
}
