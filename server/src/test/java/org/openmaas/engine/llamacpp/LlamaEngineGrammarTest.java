package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.Generations.Outcome;
import org.openmaas.grammar.GrammarException;

/**
 * Constrained decoding on a generated model (random weights: without the grammar its text is never JSON): the output
 * has the constraint's shape and ends with EOS when the grammar is complete, greedy stays greedy, and a constrained
 * sequence shares decode steps with unconstrained ones without changing them.
 */
class LlamaEngineGrammarTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PERSON = """
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 8},
             "age": {"type": "integer", "minimum": 0, "maximum": 120}}, "required": ["name", "age"],
             "additionalProperties": false}""";

    private static LlamaEngine engine;
    private static int[] prompt;

    @BeforeAll
    static void start() throws Exception {
        engine = LlamaEngine.start(new LlamaEngine.Config(GeneratedModel.path(), 1024, 1, 4, 512, 16, null));
        prompt = engine.tokenize("Once upon a time", false);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aJsonSchemaConstraintGivesAMatchingObjectThatEndsWithEos() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Outcome outcome = run(request(sampling(seed), 200, new OutputConstraint.JsonSchema(PERSON)));

            assertThat(outcome.finished().reason()).isEqualTo(FinishReason.EOS_TOKEN);
            JsonNode person = JSON.readTree(outcome.finished().generatedText());
            assertThat(person.get("name").isTextual()).isTrue();
            assertThat(person.get("name").asText().length()).isLessThanOrEqualTo(8);
            assertThat(person.get("age").asInt()).isBetween(0, 120);
            assertThat(person.size()).isEqualTo(2);
        }
    }

    @Test
    void aRegexConstraintGivesTextMatchingItInFull() {
        String pattern = "(yes|no), [0-9]{3}-[a-z]{2,4}";
        for (long seed = 1; seed <= 5; seed++) {
            Outcome outcome = run(request(sampling(seed), 60, new OutputConstraint.Regex(pattern)));

            assertThat(outcome.finished().reason()).isEqualTo(FinishReason.EOS_TOKEN);
            assertThat(outcome.finished().generatedText()).matches(pattern);
        }
    }

    @Test
    void greedyDecodingUnderAGrammarIsRepeatableAndReportsTheModelsOwnLogprobs() {
        OutputConstraint digits = new OutputConstraint.Regex("[0-9]{5}");
        Outcome first = run(request(Sampling.greedy(), 20, digits));
        Outcome second = run(request(Sampling.greedy(), 20, digits));

        assertThat(first.finished().generatedText()).matches("[0-9]{5}");
        assertThat(second.ids()).isEqualTo(first.ids());
        // The most likely token of the unconstrained distribution is not a digit: its logprob is the model's own,
        // so the grammar's choice is less likely than the top alternative reported beside it.
        GenerationEvent.TokenGenerated token = first.tokens().getFirst();
        assertThat(token.token().logprob()).isLessThanOrEqualTo(token.topTokens().getFirst().logprob());
    }

    @Test
    void aConstrainedSequenceBatchedWithUnconstrainedOnesLeavesThemAsTheyWere() {
        Outcome alone = run(request(Sampling.greedy(), 40, OutputConstraint.NONE));
        List<Generation> together = new ArrayList<>();
        together.add(engine.submit(request(sampling(3), 80, new OutputConstraint.JsonSchema(PERSON))));
        together.add(engine.submit(request(Sampling.greedy(), 40, OutputConstraint.NONE)));
        together.add(engine.submit(request(sampling(4), 30, new OutputConstraint.Regex("[a-c]+"))));

        Outcome constrained = Generations.drain(together.get(0));
        Outcome unconstrained = Generations.drain(together.get(1));
        Outcome letters = Generations.drain(together.get(2));

        assertThat(unconstrained.finished().generatedText()).isEqualTo(alone.finished().generatedText());
        assertThat(constrained.finished().reason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(letters.finished().generatedText()).matches("[a-c]+");
    }

    @Test
    void aGrammarLlamaCppRejectsIsRefusedBeforeAdmission() {
        // Left recursion: parses, but llama.cpp refuses it.
        GenerationRequest request = request(Sampling.greedy(), 10, new OutputConstraint.Gbnf("root ::= root \"a\" | \"b\""));

        assertThatThrownBy(() -> engine.requireSupported(request)).isInstanceOf(GrammarException.class)
                .hasMessageContaining("llama.cpp rejected the grammar");
    }

    @Test
    void aSchemaTheCompilerCannotExpressIsRefusedBeforeAdmission() {
        GenerationRequest request = request(Sampling.greedy(), 10,
                new OutputConstraint.JsonSchema("{\"type\": \"array\", \"uniqueItems\": true}"));

        assertThatThrownBy(() -> engine.requireSupported(request)).isInstanceOf(GrammarException.class)
                .hasMessageContaining("uniqueItems at /uniqueItems");
    }

    @Test
    void aGrammarNoTokenCanFollowFailsTheGenerationInsteadOfTheProcess() {
        // After "a" the grammar wants token 99999, which this vocabulary of 512 lacks: nothing, not even EOS, may follow.
        Outcome outcome = run(request(Sampling.greedy(), 10, new OutputConstraint.Gbnf("root ::= \"a\" <[99999]>")));

        assertThat(outcome.end()).isInstanceOf(GenerationEvent.Failed.class);
        assertThat(((GenerationEvent.Failed) outcome.end()).message()).contains("allows no token");
    }

    @Test
    void everyConstructTheCompilersWriteIsAGrammarLlamaCppTakes() {
        List<OutputConstraint> constraints = List.of(
                new OutputConstraint.JsonSchema("{}"),
                new OutputConstraint.JsonSchema("{\"type\": \"object\"}"),
                new OutputConstraint.JsonSchema("{\"type\": [\"string\", \"null\"], \"minLength\": 1, \"maxLength\": 3}"),
                new OutputConstraint.JsonSchema("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\", "
                        + "\"minimum\": -40, \"exclusiveMaximum\": 1000}, \"b\": {\"enum\": [\"x\", 1, null]}}, "
                        + "\"required\": [\"a\"], \"additionalProperties\": {\"type\": \"number\", \"minimum\": 0, "
                        + "\"maximum\": 5}}"),
                new OutputConstraint.JsonSchema("{\"$defs\": {\"n\": {\"type\": \"array\", \"items\": {\"$ref\": "
                        + "\"#/$defs/n\"}, \"maxItems\": 2}}, \"$ref\": \"#/$defs/n\"}"),
                new OutputConstraint.JsonSchema("{\"prefixItems\": [{\"const\": \"é\\\"\\\\\"}], \"items\": false}"),
                new OutputConstraint.JsonSchema("{\"anyOf\": [{\"type\": \"string\", \"format\": \"date-time\"}, "
                        + "{\"type\": \"string\", \"format\": \"uuid\"}, {\"type\": \"string\", \"pattern\": \"x.\"}]}"),
                new OutputConstraint.Regex("a|"),
                new OutputConstraint.Regex("[^\\]\\-]+[\\x00-\\x1f\\u00e9-\\uffff]?\\.\\s\\W{2,}(?:x)*?"));
        for (OutputConstraint constraint : constraints) {
            engine.requireSupported(request(Sampling.greedy(), 1, constraint));
        }
    }

    private static Sampling sampling(long seed) {
        return new Sampling(true, 1f, 0, 1f, 1f, 1f, 0f, seed);
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens, OutputConstraint constraint) {
        return new GenerationRequest("grammar", "acct", new org.openmaas.engine.Prompt.Tokens(prompt), maxNewTokens,
                sampling, List.of(), 1, false, constraint);
    }

    private static Outcome run(GenerationRequest request) {
        engine.requireSupported(request);
        return Generations.drain(engine.submit(request));
    }
}
