package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.testing.Await;
import org.openmaas.testing.CuttingProxy;
import org.openmaas.testing.LlamaServerProcess;
import org.openmaas.testing.TestModels;

/** The llama-server protocol against the real llama-server serving the real stories260K. */
class LlamaServerUpstreamTest {

    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final String PROMPT = "Once upon a time";

    @AutoClose
    private static LlamaServerProcess server;
    private static URI endpoint;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LlamaServerUpstream upstream = new LlamaServerUpstream(http, UpstreamTimeouts.DEFAULTS,
            "stories260K", Optional.empty());

    @BeforeAll
    static void startServer() {
        server = LlamaServerProcess.start(TestModels.stories(), 2, 1024);
        endpoint = server.endpoint();
    }

    @Test
    void eachTokenArrivesWithItsIdLogprobAndTopTokensWithIds() throws Exception {
        RecordingListener run = run(request(Sampling.greedy(), 8, List.of(), 3), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(run.text()).isEqualTo(", there was a little girl");
        assertThat(run.ids()).hasSize(8).startsWith(432, 383); // "," and " there" in stories260K's vocabulary
        for (GenerationEvent.TokenGenerated event : run.events()) {
            // Greedy: the chosen token is the most likely one, with the same logprob.
            assertThat(event.topTokens()).hasSize(3);
            assertThat(event.topTokens().getFirst()).isEqualTo(event.token());
            assertThat(event.token().logprob()).isNegative();
            assertThat(event.topTokens().get(1).logprob()).isLessThanOrEqualTo(event.token().logprob());
            assertThat(event.topTokens().stream().map(Token::id).distinct()).hasSize(3);
        }
    }

    @Test
    void theLastChunksCountsAreReported() throws Exception {
        RecordingListener run = run(request(Sampling.greedy(), 8, List.of(), 0), List.of());

        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.LENGTH, 5, 8, null));
        assertThat(run.events()).allSatisfy(event -> assertThat(event.topTokens()).isEmpty());
    }

    @Test
    void aStopSequenceEndsWithTheTokenThatCompletesItStreamed() throws Exception {
        RecordingListener run = run(request(Sampling.greedy(), 200, List.of("Lily"), 0), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(run.text()).isEqualTo(", there was a little girl named Lily");
        assertThat(run.ending().generatedTokens()).isEqualTo(run.tokens().size());
        assertThat(run.ending().promptTokens()).isEqualTo(5);
    }

    @Test
    void aBosBetweenStoriesIsSpecialAndCarriesItsPiece() throws Exception {
        RecordingListener run = run(request(Sampling.greedy(), 400, List.of(), 0), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        Token bos = run.tokens().stream().filter(t -> t.id() == BOS).findFirst().orElseThrow();
        assertThat(bos.special()).isTrue();
        assertThat(bos.text()).isEqualTo("<s>");
        assertThat(run.tokens().stream().filter(t -> t.id() != BOS)).noneMatch(Token::special);
    }

    @Test
    void anEosTokenEndsTheGenerationStreamedLastAsSpecial() throws Exception {
        // A grammar ends in EOS by construction: once it is complete, llama.cpp's grammar sampler allows only EOS.
        // (A seed that happens to sample EOS holds only on the CPU kernels it was found on.)
        RecordingListener run = run(constrained(new OutputConstraint.Gbnf("root ::= \", there was a little girl.\"")),
                List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(run.text()).isEqualTo(", there was a little girl.");
        Token last = run.tokens().getLast();
        assertThat(last.id()).isEqualTo(EOS);
        assertThat(last.special()).isTrue();
        assertThat(last.text()).isEqualTo("</s>");
        assertThat(run.ending().generatedTokens()).isEqualTo(run.tokens().size());
    }

    @Test
    void aTokenTheServerHoldsBackInsideACharacterIsCountedAndItsBytesComeWithTheNext() throws Exception {
        // stories260K has no token for U+0269 (bytes C9 A9): the grammar makes the model spell it with its two byte
        // tokens, and llama-server holds the first back until the second completes the character.
        RecordingListener run = run(constrained(new OutputConstraint.Gbnf("root ::= \" \u0269 like\"")), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(run.text()).isEqualTo(" \u0269 like");
        assertThat(run.ending().generatedTokens()).isEqualTo(run.tokens().size() + 1);
        assertThat(run.tokens()).anySatisfy(token -> assertThat(token.text()).startsWith("\u0269"));
    }

    @Test
    void withoutLogprobsTheSameTokensComeFromTheChunksTextsWithNoLogprob() throws Exception {
        // 400 greedy tokens hold a BOS between stories, a special token whose text is its piece.
        GenerationRequest request = request(Sampling.greedy(), 400, List.of(), 0);
        RecordingListener with = run(request, List.of());
        RecordingListener without = run(withoutLogprobs(request), List.of());

        assertThat(without.tokens()).extracting(Token::id, Token::text, Token::special)
                .isEqualTo(with.tokens().stream().map(t -> tuple(t.id(), t.text(), t.special())).toList());
        assertThat(without.tokens()).extracting(Token::id).contains(BOS);
        assertThat(without.tokens()).allSatisfy(token -> assertThat(token.logprob()).isNaN());
        assertThat(without.ending()).isEqualTo(with.ending());
    }

    @Test
    void withoutLogprobsAHeldBackTokensBytesAndTheEndingEosStillArrive() throws Exception {
        RecordingListener run = run(withoutLogprobs(constrained(new OutputConstraint.Gbnf("root ::= \" \u0269 like\""))),
                List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(run.text()).isEqualTo(" \u0269 like");
        assertThat(run.ending().generatedTokens()).isEqualTo(run.tokens().size() + 1);
        assertThat(run.tokens().getLast()).isEqualTo(new Token(EOS, "</s>", Float.NaN, true));
    }

    @Test
    void aGreedyContinuationFromGeneratedIdsEqualsTheUninterruptedRun() throws Exception {
        GenerationRequest request = request(Sampling.greedy(), 300, List.of(), 0);
        List<Token> whole = run(request, List.of()).tokens();

        for (int k : new int[] {10, 100, 250}) {
            RecordingListener rest = run(request, whole.subList(0, k));

            assertThat(rest.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(rest.tokens()).as("continued after %d tokens", k).isEqualTo(whole.subList(k, whole.size()));
            assertThat(rest.ending().promptTokens()).isEqualTo(5 + k);
            assertThat(rest.ending().generatedTokens()).isEqualTo(300 - k);
        }
    }

    @Test
    void aPlainTextPromptGoesAsTextWithoutATokenizeRoundTripAndItsCountStaysExact() throws Exception {
        try (CuttingProxy proxy = CuttingProxy.to(endpoint)) {
            RecordingListener run = new RecordingListener();
            upstream.start(proxy.endpoint(), new AttemptRequest(request(Sampling.greedy(), 8, List.of(), 0), List.of()),
                    run);

            assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.LENGTH, 5, 8, null));
            assertThat(run.text()).isEqualTo(", there was a little girl");
            assertThat(proxy.sent()).contains("POST /completion ", "\"prompt\":\"" + PROMPT + "\"")
                    .doesNotContain("/tokenize");
        }
    }

    @Test
    void aTextThatCouldHoldAControlTokensTextIsTokenizedFirstWithoutSpecialTokensParsed() throws Exception {
        // llama-server would read "<s>" in a text prompt as the BOS token; the embedded engine reads three characters.
        String prompt = "Once upon a <s> time";
        int[] plain = tokenize(prompt, false);
        assertThat(plain).hasSizeGreaterThan(tokenize(prompt, true).length);
        try (CuttingProxy proxy = CuttingProxy.to(endpoint)) {
            RecordingListener run = new RecordingListener();
            upstream.start(proxy.endpoint(), new AttemptRequest(new GenerationRequest("special", "acct",
                    new Prompt.Text(prompt), 4, Sampling.greedy(), List.of(), 0, false), List.of()), run);

            assertThat(run.ending().promptTokens()).isEqualTo(plain.length);
            assertThat(proxy.sent()).contains("POST /tokenize ");
        }
    }

    @Test
    void aSeededSampledRunIsReplayedExactly() throws Exception {
        GenerationRequest request = request(new Sampling(true, 1.2f, 40, 0.9f, 1f, 1.1f, 0f, -7L), 40, List.of(), 0);

        assertThat(run(request, List.of()).tokens()).isEqualTo(run(request, List.of()).tokens());
    }

    @Test
    void aConversationIsRenderedByTheServersTemplateAndTokenizedWithItsMarkers() throws Exception {
        GenerationRequest chat = new GenerationRequest("chat", "acct",
                new Prompt.Chat(List.of(new ChatMessage("user", "Hi"))), 4, Sampling.greedy(), List.of(), 0, false);
        RecordingListener run = new RecordingListener();
        upstream.start(endpoint, new AttemptRequest(chat, List.of()), run);

        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        // The template's text around "Hi" (role markers, newlines) takes more tokens than BOS + "Hi".
        assertThat(run.ending().promptTokens()).isGreaterThan(3);
    }

    @Test
    void cancellingClosesTheConnectionSoTheServerStopsGenerating() throws Exception {
        RecordingListener run = new RecordingListener();
        Upstream.Attempt attempt = upstream.start(endpoint,
                new AttemptRequest(request(Sampling.greedy(), 1000, List.of(), 0), List.of()), run);
        Await.until(() -> run.tokens().size() >= 5);
        assertThat(server.anySlotProcessing()).isTrue();

        attempt.cancel();

        Await.until(() -> !server.anySlotProcessing());
        assertThat(run.ended()).as("no ending is reported after cancel()").isFalse();
    }

    @Test
    void aPromptLongerThanTheContextIsRejectedWithTheServersMessage() throws Exception {
        RecordingListener run = run(new GenerationRequest("long", "acct", new Prompt.Text("Once upon a time ".repeat(300)),
                10, Sampling.greedy(), List.of(), 0, false), List.of());

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Rejected.class, rejected -> {
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.message()).contains("context");
        });
    }

    @Test
    void anEndpointThatIsNotListeningIsUnreachable() throws Exception {
        URI closed = URI.create("http://127.0.0.1:1");
        RecordingListener run = run(closed, request(Sampling.greedy(), 5, List.of(), 0));

        assertThat(run.failure()).isInstanceOf(UpstreamFailure.Unreachable.class);
        assertThatThrownBy(() -> upstream.probe(closed)).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.failure()).isInstanceOf(UpstreamFailure.Unreachable.class));
    }

    @Test
    void anEndpointThatAcceptsButNeverAnswersIsUnreachableOnceTheFirstTokenTimeoutEnds() throws Exception {
        LlamaServerUpstream impatient = new LlamaServerUpstream(http, new UpstreamTimeouts(Duration.ofMillis(300),
                UpstreamTimeouts.DEFAULTS.idle()), "stories260K", Optional.empty());
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RecordingListener run = new RecordingListener();
            impatient.start(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    new AttemptRequest(request(Sampling.greedy(), 5, List.of(), 0), List.of()), run);

            assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Unreachable.class,
                    failure -> assertThat(failure.message()).contains(
                            "sent nothing within 300 ms of the request to /completion (the first-token timeout)"));
        }
    }

    @Test
    void aStreamThatFallsSilentAfterItsHeadersFailsAsBrokenOnceTheFirstTokenTimeoutEnds() throws Exception {
        RecordingListener run = runAgainstAStreamThatStalls(new UpstreamTimeouts(Duration.ofMillis(300),
                UpstreamTimeouts.DEFAULTS.idle()), "");

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Broken.class, failure -> assertThat(
                failure.message()).contains("sent nothing within 300 ms of the request (the first-token timeout)"));
    }

    @Test
    void aStreamThatFallsSilentAfterSendingSomethingFailsAsBrokenOnceTheIdleTimeoutEnds() throws Exception {
        RecordingListener run = runAgainstAStreamThatStalls(new UpstreamTimeouts(UpstreamTimeouts.DEFAULTS.firstToken(),
                Duration.ofMillis(300)), ": the server is warming up\n\n");

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Broken.class, failure -> assertThat(
                failure.message()).contains("sent nothing for 300 ms after 0 tokens (the idle timeout)"));
    }

    /** One attempt against a server that answers 200, sends {@code opening} (SSE) and then nothing, connection open. */
    private RecordingListener runAgainstAStreamThatStalls(UpstreamTimeouts timeouts, String opening) throws Exception {
        LlamaServerUpstream watchful = new LlamaServerUpstream(http, timeouts, "stories260K", Optional.empty());
        try (ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofVirtual().start(() -> {
                try (Socket connection = stalling.accept()) {
                    connection.getInputStream().read(new byte[8192]); // the request
                    String chunk = opening.isEmpty() ? "" : Integer.toHexString(opening.length()) + "\r\n" + opening
                            + "\r\n";
                    connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n" + chunk).getBytes(StandardCharsets.US_ASCII));
                    connection.getOutputStream().flush();
                    Thread.sleep(Duration.ofMinutes(2));
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            RecordingListener run = new RecordingListener();
            watchful.start(URI.create("http://127.0.0.1:" + stalling.getLocalPort()),
                    new AttemptRequest(request(Sampling.greedy(), 5, List.of(), 0), List.of()), run);
            run.failure(); // waits for the attempt's end
            answering.interrupt();
            return run;
        }
    }

    @Test
    void aReadyServerPassesTheProbe() throws Exception {
        upstream.probe(endpoint);
    }

    @Test
    void everyParameterIsSupportedAndContinuationIsByTokenIds() {
        upstream.requireSupported(request(new Sampling(true, 0.7f, 5, 0.9f, 0.8f, 1.2f, 0.5f, 0.3f, 1L), 5,
                List.of("x"), 5));
        assertThat(upstream.continuesFromTokenIds()).isTrue();
    }

    /** The ids llama-server's own tokenizer gives {@code text}, BOS added. */
    private static int[] tokenize(String text, boolean parseSpecial) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        endpoint.resolve("/tokenize")).POST(HttpRequest.BodyPublishers.ofString(UpstreamHttp.object()
                        .put("content", text).put("add_special", true).put("parse_special", parseSpecial).toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        return StreamSupport.stream(UpstreamHttp.JSON.readTree(response.body()).path("tokens").spliterator(), false)
                .mapToInt(JsonNode::asInt).toArray();
    }

    @Test
    void aRegexGoesAsACompiledGrammarThatLlamaServerEnforces() throws Exception {
        RecordingListener run = run(constrained(new OutputConstraint.Regex("(Lily|Tom) is [0-9]{1,2}\\.")), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(run.text()).matches("(Lily|Tom) is [0-9]{1,2}\\.");
    }

    @Test
    void aJsonSchemaGoesAsLlamaServersJsonSchema() throws Exception {
        RecordingListener run = run(constrained(new OutputConstraint.JsonSchema("{\"type\": \"object\", "
                + "\"properties\": {\"mood\": {\"enum\": [\"happy\", \"sad\"]}}, \"required\": [\"mood\"], "
                + "\"additionalProperties\": false}")), List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(TestJson.parse(run.text()).path("mood").asText()).isIn("happy", "sad");
    }

    private static GenerationRequest constrained(OutputConstraint constraint) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), 60, Sampling.greedy(), List.of(), 0,
                false, constraint);
    }

    private RecordingListener run(GenerationRequest request, List<Token> generated) throws Exception {
        RecordingListener listener = new RecordingListener();
        upstream.start(endpoint, new AttemptRequest(request, generated), listener);
        listener.ending();
        return listener;
    }

    private RecordingListener run(URI at, GenerationRequest request) throws Exception {
        RecordingListener listener = new RecordingListener();
        upstream.start(at, new AttemptRequest(request, List.of()), listener);
        listener.ending();
        return listener;
    }

    private static GenerationRequest withoutLogprobs(GenerationRequest r) {
        return new GenerationRequest(r.requestId(), r.account(), r.prompt(), r.maxNewTokens(), r.sampling(),
                r.stopSequences(), r.topNTokens(), false, r.reproducible(), r.constraint());
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens, List<String> stops, int topN) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), maxNewTokens, sampling, stops, topN, false);
    }
}
