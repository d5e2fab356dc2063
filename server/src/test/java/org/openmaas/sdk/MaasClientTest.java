package org.openmaas.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.client.AccessToken;
import org.openmaas.client.AuthenticationException;
import org.openmaas.client.FinishReason;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerateResult;
import org.openmaas.client.GenerationDetails;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.InvalidArgumentException;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.client.NotFoundException;
import org.openmaas.client.PermissionDeniedException;
import org.openmaas.client.Token;
import org.openmaas.client.TokenEvent;
import org.openmaas.client.UnavailableException;
import org.openmaas.testing.AccessLogRecorder;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** The SDK against a real OpenMaaS on loopback: tokens, the catalog, streams and every failure of the contract. */
class MaasClientTest {

    static final String PROMPT = "Once upon a time";
    /** Server and SDK judge token expiry by this one clock, so a test can move both past an expiry. */
    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static TestServer server;
    static MaasClient client;
    static Model model;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestModels.tiny(), Optional.empty(), Map.of(), CLOCK);
        client = Clients.builderFor(server).clock(CLOCK).build();
        model = client.models().getFirst();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    // ---- tokens

    @Test
    void manyCallsFromManyThreadsShareOneTokenRequest() throws Exception {
        try (AccessLogRecorder log = AccessLogRecorder.start();
             MaasClient fresh = Clients.builderFor(server).clock(CLOCK).build();
             ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Callable<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(fresh::models);
            }
            calls.add(() -> fresh.generate(GenerateRequest.builder(model, PROMPT).maxNewTokens(3).build()));
            calls.add(() -> fresh.generate(GenerateRequest.builder(model, PROMPT).maxNewTokens(3).build()));
            for (Future<Object> call : threads.invokeAll(calls)) {
                call.get();
            }

            // Every call has returned, but an access-log line is written after its response: wait for the 8th.
            assertThat(log.await("GET", "/v1/maas/models", 200, 8, Duration.ofSeconds(10))).isTrue();
            assertThat(log.await("POST", "/oauth2/token", 200, 1, Duration.ofSeconds(10))).isTrue();
            assertThat(log.count("POST", "/oauth2/token")).as("one token request for all 10 calls").isEqualTo(1);
        }
    }

    @Test
    void theTokenIsReusedUntilShortlyBeforeItExpiresThenRefreshed() throws Exception {
        try (AccessLogRecorder log = AccessLogRecorder.start();
             MaasClient fresh = Clients.builderFor(server).clock(CLOCK).build()) {
            AccessToken first = fresh.accessToken();
            CLOCK.advance(Duration.ofMinutes(58));
            fresh.models();
            assertThat(fresh.accessToken()).isSameAs(first);

            CLOCK.advance(Duration.ofSeconds(90)); // 59.5 minutes into a one-hour token
            fresh.models();

            assertThat(fresh.accessToken()).isNotEqualTo(first);
            assertThat(log.awaitSize(4, Duration.ofSeconds(5))).isTrue();
            assertThat(log.count("POST", "/oauth2/token", 200)).isEqualTo(2);
        }
    }

    @Test
    void aTokenTheServerRefusesIsReplacedOnceAndTheCallSucceeds() throws Exception {
        MutableClock sdkClock = new MutableClock(CLOCK.instant()); // the SDK believes its token is still good
        try (AccessLogRecorder log = AccessLogRecorder.start();
             MaasClient fresh = Clients.builderFor(server).clock(sdkClock).build()) {
            fresh.models();
            CLOCK.advance(Duration.ofHours(2)); // but the server's clock says it expired

            List<Model> models = fresh.models();

            assertThat(models).contains(model);
            assertThat(log.awaitSize(5, Duration.ofSeconds(5))).isTrue();
            assertThat(log.count("GET", "/v1/maas/models", 401)).isEqualTo(1);
            assertThat(log.count("POST", "/oauth2/token", 200)).isEqualTo(2);
        }
    }

    // ---- catalog and generation

    @Test
    void modelsListsTheServedProduct() {
        assertThat(client.models()).singleElement().satisfies(m -> {
            assertThat(m.productName()).startsWith("maas-model-");
            assertThat(m.productId()).matches("[0-9a-f-]{36}");
            assertThat(m.modelName()).isNotBlank();
        });
    }

    @Test
    void findModelTakesAProductNameOrAModelName() {
        assertThat(client.findModel(model.productName())).contains(model);
        assertThat(client.findModel(model.modelName())).contains(model);
        assertThat(client.findModel("no-such-model")).isEmpty();
    }

    @Test
    void aStreamYieldsOneEventPerTokenAndEndsInTheDetails() {
        List<TokenEvent> events = new ArrayList<>();
        GenerationDetails details;
        String requestId;
        try (GenerationStream stream = client.generateStream(GenerateRequest.builder(model, PROMPT).maxNewTokens(20)
                .temperature(0).build())) {
            stream.forEach(events::add);
            details = stream.details().orElseThrow();
            requestId = stream.requestId();
        }

        assertThat(events).hasSize(details.generatedTokens());
        assertThat(events.subList(0, events.size() - 1)).noneMatch(TokenEvent::isLast);
        assertThat(events.getLast().details()).contains(details);
        assertThat(details.finishReason()).isIn(FinishReason.LENGTH, FinishReason.EOS_TOKEN);
        assertThat(details.seed()).as("a greedy request reports no seed").isEmpty();
        assertThat(events).allMatch(e -> e.requestId().equals(requestId));
        StringBuilder text = new StringBuilder();
        events.stream().map(TokenEvent::token).filter(t -> !t.special()).forEach(t -> text.append(t.text()));
        assertThat(events.getLast().generatedText()).contains(text.toString());
    }

    @Test
    void generateReturnsTheWholeTextWithEveryToken() {
        GenerateResult result = client.generate(GenerateRequest.builder(model, PROMPT).maxNewTokens(12).temperature(0).build());

        assertThat(result.generatedText()).isNotEmpty();
        assertThat(result.tokens()).hasSize(result.details().generatedTokens());
        assertThat(result.tokens().stream().filter(t -> !t.special()).map(Token::text).reduce("", String::concat))
                .isEqualTo(result.generatedText());
        assertThat(result.requestId()).isNotBlank();
    }

    @Test
    void theSeedOfASampledGenerationReplaysIt() {
        GenerateRequest sampled = GenerateRequest.builder(model, PROMPT).maxNewTokens(20).temperature(0.9).build();
        GenerateResult first = client.generate(sampled);
        String seed = first.details().seed().orElseThrow();

        GenerateResult replay = client.generate(sampled.toBuilder().seed(seed).build());

        assertThat(replay.tokens()).isEqualTo(first.tokens());
    }

    @Test
    void everyParameterOfTheContractIsAccepted() {
        GenerateResult result = client.generate(GenerateRequest.builder(model, PROMPT).maxNewTokens(5).temperature(0.8)
                .topK(20).topP(0.9).typicalP(0.95).repetitionPenalty(1.1).frequencyPenalty(0.2).doSample(true)
                .seed(42).stop("zzzz").topNTokens(2).truncate(64).build());

        assertThat(result.details().seed()).contains("42");
        assertThat(result.details().generatedTokens()).isPositive();
    }

    @Test
    void topNTokensReportsTheAlternativesWithEachToken() {
        try (GenerationStream stream = client.generateStream(GenerateRequest.builder(model, PROMPT).maxNewTokens(3)
                .temperature(0).topNTokens(2).build())) {
            assertThat(stream.next().topTokens()).hasSize(2);
        }
    }

    @Test
    void aStopSequenceEndsTheGenerationWithItsFinishReason() {
        List<Token> tokens = client.generate(GenerateRequest.builder(model, PROMPT).maxNewTokens(30).temperature(0)
                .build()).tokens();
        // The service checks whether the text ends with a stop sequence after each token: end it on a token.
        String prefix = tokens.subList(0, 15).stream().map(Token::text).reduce("", String::concat);
        String stop = prefix.substring(prefix.length() - 3);

        GenerateResult stopped = client.generate(GenerateRequest.builder(model, PROMPT).maxNewTokens(30).temperature(0)
                .stop(stop).build());

        assertThat(stopped.details().finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(stopped.generatedText()).endsWith(stop);
        assertThat(stopped.details().generatedTokens()).isLessThanOrEqualTo(15);
    }

    // ---- failures of the contract, each as its own exception

    @Test
    void aWrongSecretIsAnAuthenticationExceptionThatNeverShowsTheSecret() {
        try (MaasClient wrong = Clients.builderFor(server).clientSecret("wrong-secret-0123456789").build()) {
            assertThatThrownBy(wrong::models).isInstanceOfSatisfying(AuthenticationException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(401);
                assertThat(e.grpcCode()).isEqualTo(16);
                assertThat(e.oauthError()).contains("invalid_client");
                assertThat(e.requestId()).isPresent();
                assertThat(e.toString()).doesNotContain("wrong-secret-0123456789");
            });
        }
    }

    @Test
    void anOutOfRangeParameterIsAnInvalidArgumentNamingTheField() {
        assertThatThrownBy(() -> client.generateStream(GenerateRequest.builder(model, PROMPT).temperature(101).build()))
                .isInstanceOfSatisfying(InvalidArgumentException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.grpcCode()).isEqualTo(3);
                    assertThat(e.getMessage()).isEqualTo("temperature must be between 0 and 100, got 101.0");
                    assertThat(e.requestId()).isPresent();
                });
    }

    @Test
    void aModelThatDoesNotMatchItsProductIsAnInvalidArgument() {
        Model mismatched = new Model("someone/else", model.productId(), model.productName());

        assertThatThrownBy(() -> client.generate(GenerateRequest.builder(mismatched, PROMPT).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("does not match product");
    }

    @Test
    void anUnknownProductIsNotFound() {
        Model unknown = new Model(model.modelName(), model.productId(), "maas-model-nope");

        assertThatThrownBy(() -> client.generate(GenerateRequest.builder(unknown, PROMPT).build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.grpcCode()).isEqualTo(5);
                    assertThat(e.getMessage()).contains("maas-model-nope");
                });
    }

    @Test
    void anotherCloudAccountIsPermissionDenied() {
        try (MaasClient other = Clients.builderFor(server).cloudAccount("999999999999").build()) {
            assertThatThrownBy(() -> other.generate(GenerateRequest.builder(model, PROMPT).build()))
                    .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(403);
                        assertThat(e.grpcCode()).isEqualTo(7);
                        assertThat(e.getMessage()).contains("999999999999");
                    });
        }
    }

    @Test
    void aServiceNobodyListensOnIsUnavailableWithoutAStatus() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (MaasClient nowhere = Clients.builderFor(server).authUrl("http://127.0.0.1:" + port + "/oauth2/token").build()) {
            assertThatThrownBy(nowhere::models).isInstanceOfSatisfying(UnavailableException.class, e -> {
                assertThat(e.httpStatus()).isZero();
                assertThat(e.getMessage()).startsWith("cannot connect to 127.0.0.1:" + port);
            });
        }
    }
}
