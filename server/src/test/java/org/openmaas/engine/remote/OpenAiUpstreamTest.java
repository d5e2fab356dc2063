package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;
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
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** The OpenAI protocol against the OpenAI-compatible routes of another OpenMaaS on loopback. */
class OpenAiUpstreamTest {

    private static final String PROMPT = "Once upon a time";

    private static TestServer other;
    private static String textProduct;
    private static String chatProduct;
    private static String apiKey;

    @BeforeAll
    static void startTheOtherServer() {
        other = TestServer.serving(List.of(TestModels.tiny().getFirst(), TestModels.chat()));
        apiKey = other.apiKey();
        for (JsonNode model : TestServer.json(other.get("/v1/maas/models", other.token()).body()).path("models")) {
            String name = model.path("product_name").asText();
            if (name.contains("chat")) {
                chatProduct = name;
            } else {
                textProduct = name;
            }
        }
    }

    @AfterAll
    static void stopIt() {
        if (other != null) {
            other.close();
        }
    }

    @Test
    void tokensCarryTheServersTextAndLogprobsWithTheNoIdSentinel() throws Exception {
        RecordingListener run = run(upstream(textProduct, apiKey), text(12, 2));

        TestServer.Stream direct = other.stream(other.token(), other.body(PROMPT,
                "{\"max_new_tokens\": 12, \"top_n_tokens\": 2}"));
        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(run.text()).isEqualTo(direct.text());
        assertThat(run.tokens()).hasSize(12).allSatisfy(token -> assertThat(token.id()).isEqualTo(OpenAiUpstream.NO_ID));
        JsonNode first = direct.lines().getFirst().path("result").path("response");
        // Close, not equal: the second request reuses the first one's cached prompt, which moves the last float bits.
        assertThat(run.tokens().getFirst().logprob()).isCloseTo(first.path("token").path("logprob").floatValue(),
                within(1e-4f));
        assertThat(run.events().getFirst().topTokens()).hasSize(2).allSatisfy(top -> {
            assertThat(top.id()).isEqualTo(OpenAiUpstream.NO_ID);
            assertThat(top.text()).isNotEmpty();
        });
    }

    @Test
    void withoutLogprobsNoneAreAskedForAndTheTextAndCountsAreTheSame() throws Exception {
        RecordingListener with = run(upstream(textProduct, apiKey), text(12, 0));
        GenerationRequest plain = text(12, 0);
        RecordingListener without = run(upstream(textProduct, apiKey), new GenerationRequest(plain.requestId(),
                plain.account(), plain.prompt(), plain.maxNewTokens(), plain.sampling(), plain.stopSequences(), 0,
                false, plain.reproducible(), plain.constraint()));

        assertThat(with.tokens()).allSatisfy(token -> assertThat(token.logprob()).isNegative());
        // The other server sends logprobs only when asked.
        assertThat(without.tokens()).allSatisfy(token -> assertThat(token.logprob()).isNaN());
        assertThat(without.text()).isEqualTo(with.text());
        assertThat(without.ending()).isEqualTo(with.ending());
    }

    @Test
    void theCountsAreTheServersUsage() throws Exception {
        RecordingListener run = run(upstream(textProduct, apiKey), text(5, 0));

        int promptTokens = TestServer.json(other.post("/v1/maas/generate", other.token(), other.body(PROMPT,
                "{\"max_new_tokens\": 5}")).body()).path("details").path("prompt_tokens").asInt();
        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.LENGTH, promptTokens, 5, null));
    }

    @Test
    void aConversationGoesToTheChatRoute() throws Exception {
        GenerationRequest chat = new GenerationRequest("chat", "acct",
                new Prompt.Chat(List.of(new ChatMessage("user", "Hello"))), 4, Sampling.greedy(), List.of(), 1, false);

        RecordingListener run = run(upstream(chatProduct, apiKey), chat);

        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(run.tokens()).hasSize(4);
        assertThat(run.events()).allSatisfy(event -> assertThat(event.topTokens()).hasSize(1));
        assertThat(run.ending().promptTokens()).isGreaterThan(2); // the template's markers around "Hello"
    }

    @Test
    void aContinuationResendsThePromptWithTheTextGenerated() throws Exception {
        OpenAiUpstream upstream = upstream(textProduct, apiKey);
        GenerationRequest request = text(10, 0);
        List<Token> whole = run(upstream, request).tokens();

        RecordingListener rest = run(upstream, request, whole.subList(0, 4));

        assertThat(rest.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(rest.tokens()).hasSize(6);
        assertThat(upstream.continuesFromTokenIds()).isFalse();
    }

    @Test
    void aWrongKeyIsRejected() throws Exception {
        RecordingListener run = run(upstream(textProduct, "not-a-key"), text(3, 0));

        assertThat(run.failure()).isInstanceOfSatisfying(UpstreamFailure.Rejected.class,
                rejected -> assertThat(rejected.status()).isEqualTo(401));
    }

    @Test
    void whatTheOpenAiApiLacksIsRefusedNamingIt() {
        OpenAiUpstream upstream = upstream(textProduct, apiKey);

        assertThat(refused(upstream, new Sampling(true, 1f, 5, 1f, 1f, 1f, 0f, 1L))).isEqualTo("top_k");
        assertThat(refused(upstream, new Sampling(true, 1f, 0, 1f, 0.5f, 1f, 0f, 1L))).isEqualTo("typical_p");
        assertThat(refused(upstream, new Sampling(false, 1f, 0, 1f, 1f, 1.3f, 0f, 0L))).isEqualTo("repetition_penalty");
        upstream.requireSupported(request(new Sampling(true, 0.8f, 0, 0.9f, 1f, 1f, 0.5f, 0.5f, 1L)));
    }

    @Test
    void theProbeListsTheModels() throws Exception {
        upstream(textProduct, apiKey).probe(other.uri(""));
    }

    private static String refused(OpenAiUpstream upstream, Sampling sampling) {
        try {
            upstream.requireSupported(request(sampling));
        } catch (UnsupportedParameterException e) {
            assertThat(e.getMessage()).contains(e.parameter()).contains("temperature");
            return e.parameter();
        }
        throw new AssertionError("not refused: " + sampling);
    }

    @Test
    void aJsonSchemaOnAConversationGoesAsResponseFormatAndTheOtherServerEnforcesIt() throws Exception {
        GenerationRequest chat = new GenerationRequest("chat", "acct",
                new Prompt.Chat(List.of(new ChatMessage("user", "A digit?"))), 30, Sampling.greedy(), List.of(), 0,
                false, new OutputConstraint.JsonSchema("{\"type\": \"object\", \"properties\": {\"n\": "
                        + "{\"type\": \"integer\", \"minimum\": 0, \"maximum\": 9}}, \"required\": [\"n\"], "
                        + "\"additionalProperties\": false}"));
        OpenAiUpstream upstream = upstream(chatProduct, apiKey);
        upstream.requireSupported(chat);

        RecordingListener run = run(upstream, chat);

        assertThat(TestServer.json(run.text()).path("n").asInt()).isBetween(0, 9);
    }

    @Test
    void aConstraintTheOpenAiApiCannotCarryIsRefused() {
        OpenAiUpstream upstream = upstream(textProduct, apiKey);
        for (GenerationRequest request : List.of(
                new GenerationRequest("t", "acct", new Prompt.Text(PROMPT), 3, Sampling.greedy(), List.of(), 0, false,
                        new OutputConstraint.JsonSchema("{}")),
                new GenerationRequest("r", "acct", new Prompt.Chat(List.of(new ChatMessage("user", "Hi"))), 3,
                        Sampling.greedy(), List.of(), 0, false, new OutputConstraint.Regex("a+")))) {
            assertThatThrownBy(() -> upstream.requireSupported(request))
                    .isInstanceOfSatisfying(UnsupportedParameterException.class,
                            e -> assertThat(e.parameter()).isEqualTo(OutputConstraint.PARAMETER));
        }
    }

    private static OpenAiUpstream upstream(String product, String key) {
        return new OpenAiUpstream(HttpClient.newHttpClient(), UpstreamTimeouts.DEFAULTS, product, Optional.of(key));
    }

    private static RecordingListener run(OpenAiUpstream upstream, GenerationRequest request) throws Exception {
        return run(upstream, request, List.of());
    }

    private static RecordingListener run(OpenAiUpstream upstream, GenerationRequest request, List<Token> generated)
            throws Exception {
        RecordingListener listener = new RecordingListener();
        upstream.start(other.uri(""), new AttemptRequest(request, generated), listener);
        listener.ending();
        return listener;
    }

    private static GenerationRequest text(int maxNewTokens, int topN) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), maxNewTokens, Sampling.greedy(),
                List.of(), topN, false);
    }

    private static GenerationRequest request(Sampling sampling) {
        return new GenerationRequest("test", "acct", new Prompt.Text(PROMPT), 3, sampling, List.of(), 0, false);
    }
}
