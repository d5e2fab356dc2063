package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.UnsupportedParameterException;
import org.openmaas.testing.LoopbackTgi;
import org.openmaas.testing.ToyModel;

/** The TGI protocol against a loopback server answering as TGI's router does (see {@link LoopbackTgi}). */
class TgiUpstreamTest {

    private static final String PROMPT = "once upon a time";

    @AutoClose
    private final LoopbackTgi tgi = new LoopbackTgi();
    private final TgiUpstream upstream = new TgiUpstream(HttpClient.newHttpClient(), UpstreamTimeouts.DEFAULTS, "toy",
            Optional.empty());

    @Test
    void tgisTokenEventsPassThroughWithIdsLogprobsAndTopTokens() throws Exception {
        RecordingListener run = run(request(Sampling.greedy(), 5, List.of(), 2), List.of());

        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.LENGTH, 17, 5, null));
        for (GenerationEvent.TokenGenerated event : run.events()) {
            assertThat(event.token()).isEqualTo(new Token(event.token().id(), ToyModel.text(event.token().id()), -0.25f,
                    false));
            assertThat(event.topTokens()).hasSize(2).first().isEqualTo(event.token());
        }
    }

    @Test
    void greedyAsksForNoSamplingAndSendsNoNeutralWarperTgiWouldRefuse() throws Exception {
        run(request(Sampling.greedy(), 3, List.of(), 0), List.of()).finishReason();

        JsonNode parameters = tgi.lastRequest("/generate_stream").path("parameters");
        assertThat(parameters.path("do_sample").asBoolean()).isFalse();
        assertThat(parameters.path("details").asBoolean()).isTrue();
        assertThat(parameters.path("max_new_tokens").asInt()).isEqualTo(3);
        assertThat(parameters.has("temperature") || parameters.has("top_p") || parameters.has("typical_p")
                || parameters.has("top_k") || parameters.has("seed") || parameters.has("top_n_tokens")).isFalse();
    }

    @Test
    void samplingParametersGoUnderTgisNamesWithTheSeedUnsigned() throws Exception {
        run(request(new Sampling(true, 0.7f, 40, 0.9f, 0.8f, 1.1f, 0.2f, -1L), 3, List.of(), 3), List.of())
                .finishReason();

        JsonNode parameters = tgi.lastRequest("/generate_stream").path("parameters");
        assertThat(parameters.path("do_sample").asBoolean()).isTrue();
        assertThat(parameters.path("temperature").floatValue()).isEqualTo(0.7f);
        assertThat(parameters.path("top_k").asInt()).isEqualTo(40);
        assertThat(parameters.path("top_p").floatValue()).isEqualTo(0.9f);
        assertThat(parameters.path("typical_p").floatValue()).isEqualTo(0.8f);
        assertThat(parameters.path("repetition_penalty").floatValue()).isEqualTo(1.1f);
        assertThat(parameters.path("frequency_penalty").floatValue()).isEqualTo(0.2f);
        assertThat(parameters.path("top_n_tokens").asInt()).isEqualTo(3);
        assertThat(parameters.path("seed").bigIntegerValue()).hasToString("18446744073709551615");
    }

    @Test
    void anEosTokenComesAsTgiMarksItAndEndsTheGeneration() throws Exception {
        tgi.eosAt(19);

        RecordingListener run = run(request(Sampling.greedy(), 10, List.of(), 0), List.of());

        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.EOS_TOKEN, 17, 3, null));
        assertThat(run.tokens().getLast()).isEqualTo(new Token(ToyModel.EOS, "</s>", -0.25f, true));
    }

    @Test
    void aContinuationResendsThePromptWithTheTextGenerated() throws Exception {
        GenerationRequest request = request(Sampling.greedy(), 12, List.of(), 0);
        List<Token> whole = run(request, List.of()).tokens();

        RecordingListener rest = run(request, whole.subList(0, 5));

        String generated = whole.subList(0, 5).stream().map(Token::text).reduce("", String::concat);
        assertThat(tgi.lastRequest("/generate_stream").path("inputs").asText()).isEqualTo(PROMPT + generated);
        assertThat(rest.tokens()).isEqualTo(whole.subList(5, 12)); // the toy tokenizes text back to the same ids
        assertThat(upstream.continuesFromTokenIds()).isFalse();
    }

    @Test
    void aStopSequenceEndsTheGenerationCountingThePromptWithTgisTokenizer() throws Exception {
        List<Token> whole = run(request(Sampling.greedy(), 20, List.of(), 0), List.of()).tokens();
        String text = whole.stream().map(Token::text).reduce("", String::concat);
        String stop = text.substring(6, 8);

        RecordingListener run = run(request(Sampling.greedy(), 20, List.of(stop), 0), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(run.text()).isEqualTo(text.substring(0, text.indexOf(stop) + 2));
        assertThat(run.ending().promptTokens()).isEqualTo(17);
        assertThat(run.ending().generatedTokens()).isEqualTo(run.tokens().size());
    }

    @Test
    void aConversationIsRenderedByTgisChatTemplate() throws Exception {
        GenerationRequest chat = new GenerationRequest("chat", "acct",
                new Prompt.Chat(List.of(new ChatMessage("user", "hello"))), 2, Sampling.greedy(), List.of(), 0, false);

        run(chat, List.of()).finishReason();

        assertThat(tgi.lastRequest("/chat_tokenize").path("messages").path(0).path("content").asText())
                .isEqualTo("hello");
        assertThat(tgi.lastRequest("/generate_stream").path("inputs").asText()).isEqualTo("user: hello\nassistant: ");
    }

    @Test
    void tgisValidationErrorIsRejectedWithItsMessage() throws Exception {
        tgi.refuseNext(422, "{\"error\":\"Input validation error: `inputs` must have less than 1024 tokens\","
                + "\"error_type\":\"validation\"}", Map.of());

        RecordingListener run = run(request(Sampling.greedy(), 3, List.of(), 0), List.of());

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Rejected.class, rejected -> {
            assertThat(rejected.status()).isEqualTo(422);
            assertThat(rejected.message()).endsWith("Input validation error: `inputs` must have less than 1024 tokens");
        });
    }

    @Test
    void anErrorEventMidStreamIsBrokenWithTgisMessage() throws Exception {
        // TGI's error event: ErrorResponse {error, error_type} (router/src/server.rs, impl From<InferError> for Event).
        tgi.failNextAfter(2, "{\"error\":\"Request failed during generation: CUDA out of memory\","
                + "\"error_type\":\"generation\"}");

        RecordingListener run = run(request(Sampling.greedy(), 6, List.of(), 0), List.of());

        assertThat(run.failure()).isEqualTo(new UpstreamFailure.Broken(
                "TGI failed the generation: Request failed during generation: CUDA out of memory"));
        assertThat(run.tokens()).hasSize(2);
    }

    @Test
    void presencePenaltyIsRefusedNamingIt() {
        GenerationRequest presence = request(new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, 0.5f, 0L), 3, List.of(), 0);

        assertThatThrownBy(() -> upstream.requireSupported(presence))
                .isInstanceOfSatisfying(UnsupportedParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("presence_penalty"))
                .hasMessageContaining("frequency_penalty");
        upstream.requireSupported(request(new Sampling(true, 0.5f, 3, 0.5f, 0.5f, 1.2f, 0.1f, 1L), 3, List.of(), 0));
    }

    @Test
    void logitBiasIsRefusedNamingIt() {
        GenerationRequest biased = request(new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, 0f, 0L, Map.of(7, 5f)), 3,
                List.of(), 0);

        assertThatThrownBy(() -> upstream.requireSupported(biased))
                .isInstanceOfSatisfying(UnsupportedParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("logit_bias"));
    }

    @Test
    void theProbeAsksTheHealthRoute() throws Exception {
        upstream.probe(tgi.endpoint());
    }

    @Test
    void aJsonSchemaOrRegexGoesAsTgisGrammarParameter() throws Exception {
        run(constrained(new OutputConstraint.JsonSchema("{\"type\": \"boolean\"}")), List.of()).finishReason();
        JsonNode grammar = tgi.lastRequest("/generate_stream").path("parameters").path("grammar");
        assertThat(grammar.path("type").asText()).isEqualTo("json");
        assertThat(grammar.path("value")).isEqualTo(TestJson.parse("{\"type\": \"boolean\"}"));

        run(constrained(new OutputConstraint.Regex("\\d+")), List.of()).finishReason();
        grammar = tgi.lastRequest("/generate_stream").path("parameters").path("grammar");
        assertThat(grammar.path("type").asText()).isEqualTo("regex");
        assertThat(grammar.path("value").asText()).isEqualTo("\\d+");
    }

    @Test
    void aGbnfGrammarIsRefusedBeforeAdmission() {
        assertThatThrownBy(() -> upstream.requireSupported(constrained(new OutputConstraint.Gbnf("root ::= \"a\""))))
                .isInstanceOfSatisfying(UnsupportedParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(OutputConstraint.PARAMETER);
                    assertThat(e.getMessage()).isEqualTo("this product's engine (TGI) cannot constrain its output "
                            + "to a GBNF grammar; it takes JSON Schemas and regular expressions");
                });
    }

    private static GenerationRequest constrained(OutputConstraint constraint) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), 2, Sampling.greedy(), List.of(), 0, false,
                constraint);
    }

    private RecordingListener run(GenerationRequest request, List<Token> generated) throws Exception {
        RecordingListener listener = new RecordingListener();
        upstream.start(tgi.endpoint(), new AttemptRequest(request, generated), listener);
        listener.ending();
        return listener;
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens, List<String> stops, int topN) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), maxNewTokens, sampling, stops, topN, false);
    }
}
