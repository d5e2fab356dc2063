package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.UnsupportedParameterException;
import org.openmaas.testing.AccessLogRecorder;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** The MaaS protocol against another OpenMaaS, on loopback, serving the tiny model on its embedded engine. */
class MaasUpstreamTest {

    private static final String PROMPT = "Once upon a time";

    private static TestServer other;
    private static String productName;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));

    @BeforeAll
    static void startTheOtherMaas() {
        other = TestServer.serving(TestModels.tiny());
        productName = TestServer.json(other.get("/v1/maas/models", other.token()).body()).path("models").path(0)
                .path("product_name").asText();
    }

    @AfterAll
    static void stopIt() {
        if (other != null) {
            other.close();
        }
    }

    @Test
    void theOtherMaasLinesPassThroughAsTheyAre() throws Exception {
        RecordingListener run = run(upstream(productName, TestServer.CLIENT_SECRET), request(Sampling.greedy(), 12, 2),
                List.of());

        TestServer.Stream direct = other.stream(other.token(), other.body(PROMPT,
                "{\"max_new_tokens\": 12, \"top_n_tokens\": 2}"));
        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(run.ids()).isEqualTo(direct.tokenIds());
        assertThat(run.text()).isEqualTo(direct.text());
        JsonNode first = direct.lines().getFirst().path("result").path("response");
        // Close, not equal: the second request reuses the first one's cached prompt, which moves the last float bits.
        assertThat(run.tokens().getFirst().logprob()).isCloseTo(first.path("token").path("logprob").floatValue(),
                within(1e-4f));
        assertThat(run.events().getFirst().topTokens()).extracting(Token::id).containsExactly(
                first.path("top_tokens").path(0).path("id").asInt(), first.path("top_tokens").path(1).path("id").asInt());
        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.LENGTH, 0, 12, null));
    }

    @Test
    void aContinuationResendsThePromptWithTheTextGenerated() throws Exception {
        MaasUpstream upstream = upstream(productName, TestServer.CLIENT_SECRET);
        GenerationRequest request = request(Sampling.greedy(), 10, 0);
        List<Token> whole = run(upstream, request, List.of()).tokens();

        RecordingListener rest = run(upstream, request, whole.subList(0, 4));

        assertThat(rest.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(rest.tokens()).hasSize(6);
        assertThat(upstream.continuesFromTokenIds()).isFalse();
    }

    @Test
    void theAccessTokenIsFetchedOnceAndAgainShortlyBeforeItExpires() throws Exception {
        MaasUpstream upstream = upstream(productName, TestServer.CLIENT_SECRET);
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            run(upstream, request(Sampling.greedy(), 2, 0), List.of()).finishReason();
            run(upstream, request(Sampling.greedy(), 2, 0), List.of()).finishReason();
            assertThat(log.await("POST", "/v1/maas/generatestream", 200, 2, Duration.ofSeconds(10))).isTrue();
            assertThat(log.count("POST", "/oauth2/token")).isEqualTo(1);

            clock.advance(Duration.ofSeconds(3600).minus(MaasUpstream.REFRESH_MARGIN)); // OpenMaaS tokens: 1 hour
            run(upstream, request(Sampling.greedy(), 2, 0), List.of()).finishReason();

            assertThat(log.await("POST", "/v1/maas/generatestream", 200, 3, Duration.ofSeconds(10))).isTrue();
            assertThat(log.count("POST", "/oauth2/token")).isEqualTo(2);
        }
    }

    @Test
    void aProductTheOtherMaasDoesNotServeIsRejectedNamingIt() throws Exception {
        RecordingListener run = run(upstream("maas-model-absent", TestServer.CLIENT_SECRET),
                request(Sampling.greedy(), 2, 0), List.of());

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Rejected.class, rejected -> {
            assertThat(rejected.status()).isEqualTo(404);
            assertThat(rejected.message()).contains("serves no product 'maas-model-absent'");
        });
    }

    @Test
    void wrongClientCredentialsAreRejectedByTheTokenEndpoint() throws Exception {
        RecordingListener run = run(upstream(productName, "not-the-secret"), request(Sampling.greedy(), 2, 0),
                List.of());

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Rejected.class,
                rejected -> assertThat(rejected.status()).isEqualTo(401));
    }

    @Test
    void theProbeReadsTheCatalogWithAToken() throws Exception {
        upstream(productName, TestServer.CLIENT_SECRET).probe(endpoint());
        assertThatThrownBy(() -> upstream(productName, TestServer.CLIENT_SECRET).probe(URI.create("http://127.0.0.1:1")))
                .isInstanceOf(UpstreamException.class);
    }

    @Test
    void presencePenaltyAndConversationsOfMoreThanOneUserMessageAreRefused() {
        MaasUpstream upstream = upstream(productName, TestServer.CLIENT_SECRET);
        GenerationRequest presence = new GenerationRequest("p", "acct", new Prompt.Text(PROMPT), 3,
                new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, 0.4f, 0L), List.of(), 0, false);
        GenerationRequest dialogue = new GenerationRequest("d", "acct", new Prompt.Chat(List.of(
                new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"))), 3, Sampling.greedy(),
                List.of(), 0, false);

        assertThatThrownBy(() -> upstream.requireSupported(presence)).isInstanceOfSatisfying(
                UnsupportedParameterException.class, e -> assertThat(e.parameter()).isEqualTo("presence_penalty"));
        assertThatThrownBy(() -> upstream.requireSupported(dialogue)).isInstanceOfSatisfying(
                UnsupportedParameterException.class, e -> assertThat(e.parameter()).isEqualTo("messages"));
        upstream.requireSupported(new GenerationRequest("u", "acct", new Prompt.Chat(List.of(
                new ChatMessage("user", "Hi"))), 3, Sampling.greedy(), List.of(), 0, false));
    }

    @Test
    void theAccountsSecretNeverShowsInItsDescription() {
        MaasUpstream.Account account = account(productName, TestServer.CLIENT_SECRET);

        assertThat(account.toString()).doesNotContain(TestServer.CLIENT_SECRET).contains(TestServer.CLIENT_ID);
    }

    private MaasUpstream upstream(String product, String secret) {
        return new MaasUpstream(HttpClient.newHttpClient(), UpstreamTimeouts.DEFAULTS, account(product, secret), clock);
    }

    private static MaasUpstream.Account account(String product, String secret) {
        return new MaasUpstream.Account(other.uri("/oauth2/token"), TestServer.CLIENT_ID, secret, TestServer.ACCOUNT,
                product);
    }

    @Test
    void aRegexGoesAsTheMaasGrammarParameterAndTheOtherMaasEnforcesIt() throws Exception {
        GenerationRequest request = new GenerationRequest("g", "acct", new Prompt.Text(PROMPT), 20, Sampling.greedy(),
                List.of(), 0, false, new OutputConstraint.Regex("(yes|no)!"));

        RecordingListener run = run(upstream(productName, TestServer.CLIENT_SECRET), request, List.of());

        assertThat(run.finishReason()).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(run.text()).matches("(yes|no)!");
    }

    @Test
    void aGbnfGrammarIsRefusedNamingTheConstraint() {
        GenerationRequest request = new GenerationRequest("g", "acct", new Prompt.Text(PROMPT), 3, Sampling.greedy(),
                List.of(), 0, false, new OutputConstraint.Gbnf("root ::= \"a\""));

        assertThatThrownBy(() -> upstream(productName, TestServer.CLIENT_SECRET).requireSupported(request))
                .isInstanceOfSatisfying(UnsupportedParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo(OutputConstraint.PARAMETER));
    }

    private static URI endpoint() {
        return other.uri("/v1/maas");
    }

    private static RecordingListener run(MaasUpstream upstream, GenerationRequest request, List<Token> generated)
            throws Exception {
        RecordingListener listener = new RecordingListener();
        upstream.start(endpoint(), new AttemptRequest(request, generated), listener);
        listener.ending();
        return listener;
    }

    private static GenerationRequest request(Sampling sampling, int maxNewTokens, int topN) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), maxNewTokens, sampling, List.of(), topN,
                false);
    }
}
