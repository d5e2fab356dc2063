package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
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
import org.openmaas.testing.Await;
import org.openmaas.testing.LoopbackVllm;
import org.openmaas.testing.ToyModel;

/** The vLLM protocol against a loopback server answering as vLLM's source does (see {@link LoopbackVllm}). */
class VllmUpstreamTest {

    private static final String MODEL = "toy";
    private static final String PROMPT = "once upon a time";

    @AutoClose
    private final LoopbackVllm vllm = new LoopbackVllm(MODEL);
    private final VllmUpstream upstream = new VllmUpstream(HttpClient.newHttpClient(), UpstreamTimeouts.DEFAULTS, MODEL,
            Optional.of("key-1"), Optional.of("hermes"));

    @Test
    void eachTokenArrivesWithTheIdVllmNamesAndItsLogprobAndTopTokens() throws Exception {
        RecordingListener run = run(request(Sampling.greedy(), 6, List.of(), 2), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(run.ids()).isEqualTo(greedy(ToyModel.tokenize(PROMPT, true), 6));
        for (GenerationEvent.TokenGenerated event : run.events()) {
            assertThat(event.token().text()).isEqualTo(ToyModel.text(event.token().id()));
            assertThat(event.token().logprob()).isEqualTo(-0.25f);
            assertThat(event.topTokens()).extracting(Token::id).hasSize(2).first().isEqualTo(event.token().id());
            assertThat(event.topTokens().get(1).logprob()).isEqualTo(-1.75f);
        }
    }

    @Test
    void theCountsAreTheUsageOfTheLastEvent() throws Exception {
        RecordingListener run = run(request(Sampling.greedy(), 6, List.of(), 0), List.of());

        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.LENGTH, 17, 6, null));
    }

    @Test
    void thePromptGoesAsVllmsOwnTokenIdsWithTheParametersUnderVllmsNames() throws Exception {
        Sampling sampling = new Sampling(true, 0.7f, 40, 0.9f, 1f, 1.1f, 0.2f, 0.3f, -5L);
        run(request(sampling, 6, List.of(), 3), List.of()).finishReason();

        JsonNode body = vllm.lastRequest("/v1/completions");
        assertThat(ids(body.path("prompt"))).isEqualTo(ToyModel.tokenize(PROMPT, true));
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(6);
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("logprobs").asInt()).isEqualTo(3);
        assertThat(body.path("return_tokens_as_token_ids").asBoolean()).isTrue();
        assertThat(body.path("temperature").floatValue()).isEqualTo(0.7f);
        assertThat(body.path("top_k").asInt()).isEqualTo(40);
        assertThat(body.path("top_p").floatValue()).isEqualTo(0.9f);
        assertThat(body.path("repetition_penalty").floatValue()).isEqualTo(1.1f);
        assertThat(body.path("frequency_penalty").floatValue()).isEqualTo(0.2f);
        assertThat(body.path("presence_penalty").floatValue()).isEqualTo(0.3f);
        assertThat(body.path("seed").asLong()).isEqualTo(-5L);
        assertThat(vllm.lastRequest("/tokenize").path("add_special_tokens").asBoolean()).isTrue();
    }

    @Test
    void logitBiasGoesAsOpenAisObjectOfTokenIds() throws Exception {
        Sampling biased = new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, 0f, 0L, Map.of(7, 100f, 9, -100f));
        run(request(biased, 3, List.of(), 0), List.of()).finishReason();

        JsonNode bias = vllm.lastRequest("/v1/completions").path("logit_bias");
        assertThat(bias.path("7").floatValue()).isEqualTo(100f);
        assertThat(bias.path("9").floatValue()).isEqualTo(-100f);
        assertThat(bias.size()).isEqualTo(2);
    }

    @Test
    void greedyIsTemperatureZeroWithEveryTokenConsidered() throws Exception {
        run(request(Sampling.greedy(), 3, List.of(), 0), List.of()).finishReason();

        JsonNode body = vllm.lastRequest("/v1/completions");
        assertThat(body.path("temperature").floatValue()).isZero();
        assertThat(body.path("top_k").asInt()).isEqualTo(-1);
        assertThat(body.path("top_p").floatValue()).isEqualTo(1f);
    }

    @Test
    void aContinuationSendsThePromptsIdsAndTheGeneratedIdsAndGoesOnAsTheUninterruptedRun() throws Exception {
        GenerationRequest request = request(Sampling.greedy(), 20, List.of(), 0);
        List<Token> whole = run(request, List.of()).tokens();

        RecordingListener rest = run(request, whole.subList(0, 7));

        assertThat(rest.tokens()).isEqualTo(whole.subList(7, 20));
        List<Integer> prompt = new ArrayList<>(ToyModel.tokenize(PROMPT, true));
        whole.subList(0, 7).forEach(t -> prompt.add(t.id()));
        assertThat(ids(vllm.lastRequest("/v1/completions").path("prompt"))).isEqualTo(prompt);
        assertThat(vllm.lastRequest("/v1/completions").path("max_tokens").asInt()).isEqualTo(13);
    }

    @Test
    void anEosEndsTheGenerationAsASpecialToken() throws Exception {
        vllm.eosAt(20); // 17 prompt tokens: EOS is the fourth generated

        RecordingListener run = run(request(Sampling.greedy(), 10, List.of(), 0), List.of());

        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.EOS_TOKEN, 17, 4, null));
        assertThat(run.tokens().getLast()).isEqualTo(new Token(ToyModel.EOS, "", -0.25f, true));
        assertThat(run.tokens().subList(0, 3)).noneMatch(Token::special);
    }

    @Test
    void aStopSequenceEndsTheGenerationWithItsTokenAndClosesTheStream() throws Exception {
        List<Integer> expected = greedy(ToyModel.tokenize(PROMPT, true), 30);
        String text = expected.stream().map(ToyModel::text).reduce("", String::concat);
        String stop = text.substring(8, 10);
        vllm.pace(Duration.ofMillis(20));

        RecordingListener run = run(request(Sampling.greedy(), 30, List.of(stop), 0), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(run.text()).isEqualTo(text.substring(0, text.indexOf(stop) + 2));
        assertThat(run.ending().generatedTokens()).isEqualTo(run.tokens().size());
        assertThat(run.ending().promptTokens()).isEqualTo(17);
        Await.until(() -> vllm.openStreams() == 0);
    }

    @Test
    void aConversationIsTokenizedByVllmsChatTemplate() throws Exception {
        GenerationRequest chat = new GenerationRequest("chat", "acct",
                new Prompt.Chat(List.of(new ChatMessage("user", "hello"))), 3, Sampling.greedy(), List.of(), 0, false);
        RecordingListener run = run(chat, List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        JsonNode tokenize = vllm.lastRequest("/tokenize");
        assertThat(tokenize.path("messages").path(0).path("content").asText()).isEqualTo("hello");
        assertThat(tokenize.path("add_generation_prompt").asBoolean()).isTrue();
        assertThat(ids(vllm.lastRequest("/v1/completions").path("prompt")))
                .isEqualTo(ToyModel.tokenize("user: hello\nassistant: ", true));
    }

    @Test
    void typicalPIsRefusedNamingIt() {
        GenerationRequest typical = request(new Sampling(true, 1f, 0, 1f, 0.9f, 1f, 0f, 1L), 5, List.of(), 0);

        assertThatThrownBy(() -> upstream.requireSupported(typical))
                .isInstanceOfSatisfying(UnsupportedParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("typical_p"))
                .hasMessageContaining("typical_p").hasMessageContaining("top_p");
        upstream.requireSupported(request(new Sampling(true, 0.5f, 3, 0.5f, 1f, 1.2f, 0.1f, 0.1f, 1L), 5, List.of(), 0));
        assertThat(upstream.continuesFromTokenIds()).isTrue();
    }

    @Test
    void everyCallCarriesTheKey() throws Exception {
        run(request(Sampling.greedy(), 3, List.of(), 0), List.of()).finishReason();

        assertThat(vllm.authorizations()).containsExactly("/tokenize Bearer key-1", "/v1/completions Bearer key-1");
    }

    @Test
    void aRefusedKeyIsRejectedWithTheServersMessage() throws Exception {
        vllm.refuseNext(401, "{\"error\":{\"message\":\"Unauthorized\",\"type\":\"Unauthorized\",\"code\":401}}",
                Map.of());
        RecordingListener run = run(request(Sampling.greedy(), 3, List.of(), 0), List.of());

        assertThat(run.failure()).isEqualTo(new UpstreamFailure.Rejected(401, hostOf() + " answered /v1/completions"
                + " with 401: Unauthorized"));
    }

    @Test
    void aBusyServerIsBusyWithTheWaitItAsksFor() throws Exception {
        vllm.refuseNext(429, "{\"error\":{\"message\":\"too many requests\",\"type\":\"x\",\"code\":429}}",
                Map.of("Retry-After", "7"));
        RecordingListener run = run(request(Sampling.greedy(), 3, List.of(), 0), List.of());

        assertThat(run.failure()).isEqualTo(new UpstreamFailure.Busy(429, Optional.of(Duration.ofSeconds(7)),
                hostOf() + " answered /v1/completions with 429: too many requests"));
    }

    @Test
    void aServerErrorIsBusyWithoutAWait() throws Exception {
        vllm.refuseNext(503, "", Map.of());
        RecordingListener run = run(request(Sampling.greedy(), 3, List.of(), 0), List.of());

        assertThat(run.failure()).isEqualTo(new UpstreamFailure.Busy(503, Optional.empty(),
                hostOf() + " answered /v1/completions with 503"));
    }

    @Test
    void anUnknownModelIsRejectedWithVllmsMessage() throws Exception {
        VllmUpstream wrong = new VllmUpstream(HttpClient.newHttpClient(), UpstreamTimeouts.DEFAULTS, "other",
                Optional.empty(), Optional.empty());
        RecordingListener run = new RecordingListener();
        wrong.start(vllm.endpoint(), new AttemptRequest(request(Sampling.greedy(), 3, List.of(), 0), List.of()), run);

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Rejected.class, rejected -> {
            assertThat(rejected.status()).isEqualTo(404);
            assertThat(rejected.message()).endsWith("The model `other` does not exist.");
        });
    }

    @Test
    void aStreamCutBeforeItsLastEventIsBroken() throws Exception {
        vllm.cutNextAfter(2);
        RecordingListener run = run(request(Sampling.greedy(), 6, List.of(), 0), List.of());

        assertThat(run.failure()).isInstanceOf(UpstreamFailure.Broken.class);
        assertThat(run.tokens()).hasSize(2);
    }

    @Test
    void cancellingClosesTheStream() throws Exception {
        vllm.pace(Duration.ofMillis(20));
        RecordingListener run = new RecordingListener();
        Upstream.Attempt attempt = upstream.start(vllm.endpoint(),
                new AttemptRequest(request(Sampling.greedy(), 1000, List.of(), 0), List.of()), run);
        Await.until(() -> run.tokens().size() >= 2);

        attempt.cancel();

        Await.until(() -> vllm.openStreams() == 0);
        assertThat(run.ended()).isFalse();
    }

    @Test
    void theProbeAsksTheHealthRoute() throws Exception {
        upstream.probe(vllm.endpoint());
        URI closed = URI.create("http://127.0.0.1:1");
        assertThatThrownBy(() -> upstream.probe(closed)).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.failure()).isInstanceOf(UpstreamFailure.Unreachable.class));
    }

    private String hostOf() {
        return "http://127.0.0.1:" + vllm.endpoint().getPort();
    }

    @Test
    void aConstraintGoesAsVllmsStructuredOutputs() throws Exception {
        run(constrained(new OutputConstraint.JsonSchema("{\"type\": \"integer\"}")), List.of()).finishReason();
        assertThat(vllm.lastRequest("/v1/completions").path("structured_outputs").path("json"))
                .isEqualTo(TestJson.parse("{\"type\": \"integer\"}"));

        run(constrained(new OutputConstraint.Regex("[a-z]+")), List.of()).finishReason();
        assertThat(vllm.lastRequest("/v1/completions").path("structured_outputs").path("regex").asText())
                .isEqualTo("[a-z]+");

        run(constrained(new OutputConstraint.Gbnf("root ::= \"a\"")), List.of()).finishReason();
        assertThat(vllm.lastRequest("/v1/completions").path("structured_outputs").path("grammar").asText())
                .isEqualTo("root ::= \"a\"");
    }

    @Test
    void anUnconstrainedRequestSendsNoStructuredOutputs() throws Exception {
        run(request(Sampling.greedy(), 2, List.of(), 0), List.of()).finishReason();

        assertThat(vllm.lastRequest("/v1/completions").has("structured_outputs")).isFalse();
    }

    private static GenerationRequest constrained(OutputConstraint constraint) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), 2, Sampling.greedy(), List.of(), 0, false,
                constraint);
    }

    private RecordingListener run(GenerationRequest request, List<Token> generated) throws Exception {
        RecordingListener listener = new RecordingListener();
        upstream.start(vllm.endpoint(), new AttemptRequest(request, generated), listener);
        listener.ending();
        return listener;
    }

    private static List<Integer> greedy(List<Integer> prompt, int tokens) {
        List<Integer> context = new ArrayList<>(prompt);
        List<Integer> generated = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            int next = ToyModel.next(context, 0);
            context.add(next);
            generated.add(next);
        }
        return generated;
    }

    private static List<Integer> ids(JsonNode array) {
        List<Integer> ids = new ArrayList<>();
        array.forEach(id -> ids.add(id.asInt()));
        return ids;
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens, List<String> stops, int topN) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), maxNewTokens, sampling, stops, topN, false);
    }
}
