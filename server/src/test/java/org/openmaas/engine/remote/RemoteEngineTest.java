package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.EndpointStatus;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.UnsupportedParameterException;
import org.openmaas.testing.MutableClock;

/**
 * The pool's routing, health and failover, against an upstream the test plays by hand: every step happens when the test
 * says, so nothing here depends on the machine's speed.
 */
class RemoteEngineTest {

    private static final URI A = URI.create("http://gpu-a:8080");
    private static final URI B = URI.create("http://gpu-b:8080");
    private static final ModelInfo MODEL = new ModelInfo("remote-model", 4096, Integer.MAX_VALUE, true);
    private static final Duration EJECTION = Duration.ofSeconds(10);

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
    private RemoteEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private RemoteEngine pool(int maxConcurrent, int maxQueued, int ejectAfterFailures) {
        engine = new RemoteEngine("remote", MODEL, List.of(A, B), upstream, new RemoteEngine.Settings(maxConcurrent,
                maxQueued, ejectAfterFailures, EJECTION, Duration.ofSeconds(5), 8, 2), clock);
        return engine;
    }

    private static GenerationRequest request(Prompt prompt, int maxNewTokens) {
        return new GenerationRequest("req", "acct", prompt, maxNewTokens, Sampling.greedy(), List.of(), 0, false);
    }

    private static GenerationRequest request(String text) {
        return request(new Prompt.Text(text), 16);
    }

    private static GenerationRequest request(String account, String text) {
        return new GenerationRequest("req", account, new Prompt.Text(text), 16, Sampling.greedy(), List.of(), 0, false);
    }

    /** Every event the generation holds now, without waiting. */
    private static List<GenerationEvent> drain(Generation generation) throws InterruptedException {
        List<GenerationEvent> events = new ArrayList<>();
        for (GenerationEvent e = generation.poll(Duration.ZERO); e != null; e = generation.poll(Duration.ZERO)) {
            events.add(e);
        }
        return events;
    }

    /** The ids of the tokens among the events; a failure shows as -1. */
    private static List<Integer> tokenIds(List<GenerationEvent> events) {
        return events.stream().flatMap(e -> switch (e) {
            case GenerationEvent.TokenGenerated t -> Stream.of(t.token().id());
            case GenerationEvent.Finished f -> f.lastToken().stream().map(t -> t.token().id());
            case GenerationEvent.Failed f -> Stream.of(-1);
        }).toList();
    }

    private EndpointStatus.State state(URI endpoint) {
        return engine.endpoints().stream().filter(e -> e.endpoint().equals(endpoint)).findFirst().orElseThrow().state();
    }

    @Test
    void eachGenerationGoesToTheEndpointWithTheFewestInFlight() {
        pool(4, 8, 3);

        engine.submit(request("one"));
        engine.submit(request("two"));
        engine.submit(request("three"));
        upstream.call(1).tokens(1).finish(FinishReason.LENGTH, 3, 1); // B is idle again, A holds two
        engine.submit(request("four"));

        assertThat(upstream.calls()).extracting(c -> c.endpoint).containsExactly(A, B, A, B);
        assertThat(engine.load()).isEqualTo(new EngineLoad(3, 0, 8));
    }

    @Test
    void submitWaitsForTheRequestOfAnAttemptItStartedToBeSentButNotForAQueuedOne() {
        pool(1, 8, 3);

        engine.submit(request("one"));
        engine.submit(request("two"));
        engine.submit(request("three")); // both endpoints are full: it waits in the queue
        upstream.call(0).tokens(1).finish(FinishReason.LENGTH, 3, 1); // "three" starts on the finishing one's thread

        assertThat(upstream.calls()).extracting(ScriptedUpstream.Call::awaitedSent)
                .containsExactly(RemoteEngine.SENT_WAIT, RemoteEngine.SENT_WAIT, null);
    }

    @Test
    void promptsSharingALongPrefixGoWhereThePrefixWasServedUnlessThatOneIsMuchBusier() {
        pool(8, 8, 3);
        int[] shared = IntStream.range(100, 108).toArray(); // one affinity block of 8 tokens

        engine.submit(request(new Prompt.Tokens(concat(shared, 1)), 4));
        upstream.last().tokens(1).finish(FinishReason.LENGTH, 9, 1);
        engine.submit(request(new Prompt.Tokens(concat(shared, 2)), 4)); // both idle: least recently chosen is B
        engine.submit(request(new Prompt.Tokens(new int[] {7, 8}), 4)); // too short for affinity: least busy
        assertThat(upstream.calls()).extracting(c -> c.endpoint).containsExactly(A, A, B);

        // In flight A 1, B 1. The prefix's endpoint may hold at most 2 (the slack) more than the least busy.
        engine.submit(request(new Prompt.Tokens(concat(shared, 3)), 4)); // A 1 vs B 1: A
        engine.submit(request(new Prompt.Tokens(concat(shared, 4)), 4)); // A 2 vs B 1: A
        engine.submit(request(new Prompt.Tokens(concat(shared, 5)), 4)); // A 3 vs B 1: A
        engine.submit(request(new Prompt.Tokens(concat(shared, 6)), 4)); // A 4 vs B 1: too busy, B
        assertThat(upstream.calls()).extracting(c -> c.endpoint).containsExactly(A, A, B, A, A, A, B);
    }

    @Test
    void beyondEachEndpointsLimitRequestsWaitAndBeyondTheQueueTheyAreRefused() {
        pool(1, 1, 3);

        engine.submit(request("one"));
        engine.submit(request("two"));
        Generation waiting = engine.submit(request("three"));

        assertThat(engine.load()).isEqualTo(new EngineLoad(2, 1, 2));
        assertThatThrownBy(() -> engine.submit(request("four"))).isInstanceOf(EngineOverloadedException.class)
                .hasMessageContaining("(1 requests)");
        assertThat(waiting.admittedAtNanos()).isZero();

        upstream.call(0).tokens(1).finish(FinishReason.LENGTH, 3, 1);

        assertThat(upstream.calls()).hasSize(3);
        assertThat(upstream.last().endpoint).isEqualTo(A);
        assertThat(waiting.admittedAtNanos()).isNotZero();
        assertThat(engine.load()).isEqualTo(new EngineLoad(2, 0, 2));
    }

    @Test
    void waitingRequestsGetAnEndpointInTurnAcrossAccounts() {
        pool(1, 8, 3);
        engine.submit(request("x", "x1"));
        engine.submit(request("x", "x2"));
        Generation x3 = engine.submit(request("x", "x3"));
        Generation x4 = engine.submit(request("x", "x4"));
        Generation y1 = engine.submit(request("y", "y1"));

        upstream.call(0).tokens(1).finish(FinishReason.LENGTH, 2, 1);
        upstream.call(1).tokens(1).finish(FinishReason.LENGTH, 2, 1);

        assertThat(upstream.calls()).extracting(c -> c.request.request().prompt())
                .containsExactly(new Prompt.Text("x1"), new Prompt.Text("x2"), new Prompt.Text("x3"),
                        new Prompt.Text("y1"));
        assertThat(x3.admittedAtNanos()).isNotZero();
        assertThat(y1.admittedAtNanos()).as("y's first before x's third").isNotZero();
        assertThat(x4.admittedAtNanos()).isZero();
    }

    @Test
    void anAttemptThatFailsBeforeItsFirstTokenIsRetriedOnAnotherEndpoint() throws InterruptedException {
        pool(4, 8, 3);
        Generation generation = engine.submit(request("hello"));

        upstream.call(0).fail(new UpstreamFailure.Unreachable("connection refused"));
        upstream.call(1).tokens(5, 6).finish(FinishReason.EOS_TOKEN, 2, 2);

        assertThat(upstream.call(1).endpoint).isEqualTo(B);
        assertThat(upstream.call(1).request.isContinuation()).isFalse();
        List<GenerationEvent> events = drain(generation);
        assertThat(tokenIds(events)).containsExactly(5, 6);
        assertThat(events.getLast()).isEqualTo(new GenerationEvent.Finished(Optional.empty(), FinishReason.EOS_TOKEN,
                2, 2, "<5><6>", OptionalLong.empty()));
    }

    @Test
    void aRequestTheUpstreamRefusesIsNotRetriedElsewhere() throws InterruptedException {
        pool(4, 8, 3);
        Generation generation = engine.submit(request("hello"));

        upstream.call(0).fail(new UpstreamFailure.Rejected(400, "'max_tokens' is too large"));

        assertThat(upstream.calls()).hasSize(1);
        assertThat(drain(generation)).singleElement().isEqualTo(new GenerationEvent.Failed(
                GenerationEvent.Failed.Cause.REJECTED,
                "the upstream of remote refused the request (400): 'max_tokens' is too large"));
        assertThat(state(A)).isEqualTo(EndpointStatus.State.HEALTHY);
    }

    @Test
    void anEndpointThatAnswers429RestsForItsRetryAfter() {
        pool(4, 8, 3);
        engine.submit(request("one"));

        upstream.call(0).fail(new UpstreamFailure.Busy(429, Optional.of(Duration.ofSeconds(30)), "too many requests"));
        engine.submit(request("two")); // A is idle but resting

        assertThat(upstream.calls()).extracting(c -> c.endpoint).containsExactly(A, B, B);
        assertThat(state(A)).isEqualTo(EndpointStatus.State.RESTING);

        clock.advance(Duration.ofSeconds(30));
        engine.submit(request("three"));

        assertThat(state(A)).isEqualTo(EndpointStatus.State.HEALTHY);
        assertThat(upstream.last().endpoint).isEqualTo(A);
    }

    @Test
    void consecutiveFailuresEjectAnEndpointUntilATrialAttemptSucceeds() {
        pool(4, 8, 2);
        for (int i = 0; i < 2; i++) {
            engine.submit(request("r" + i));
            upstream.calls().stream().filter(c -> c.endpoint.equals(A)).toList().getLast()
                    .fail(new UpstreamFailure.Busy(503, Optional.empty(), "overloaded"));
        }
        assertThat(state(A)).isEqualTo(EndpointStatus.State.EJECTED);
        engine.submit(request("while ejected"));
        assertThat(upstream.last().endpoint).isEqualTo(B);

        clock.advance(EJECTION);
        assertThat(state(A)).isEqualTo(EndpointStatus.State.HALF_OPEN);
        engine.submit(request("trial"));
        ScriptedUpstream.Call trial = upstream.last();
        engine.submit(request("beside the trial"));

        assertThat(trial.endpoint).isEqualTo(A);
        assertThat(upstream.last().endpoint).as("one trial at a time").isEqualTo(B);
        trial.tokens(1).finish(FinishReason.LENGTH, 2, 1);
        assertThat(state(A)).isEqualTo(EndpointStatus.State.HEALTHY);
    }

    @Test
    void aFailedTrialEjectsTheEndpointAgain() {
        pool(4, 8, 1);
        engine.submit(request("first"));
        upstream.call(0).fail(new UpstreamFailure.Unreachable("connection refused"));
        clock.advance(EJECTION);

        engine.submit(request("trial"));
        upstream.calls().stream().filter(c -> c.endpoint.equals(A)).toList().getLast()
                .fail(new UpstreamFailure.Unreachable("connection refused"));

        assertThat(state(A)).isEqualTo(EndpointStatus.State.EJECTED);
        assertThat(engine.endpoints().getFirst().errors()).isEqualTo(2);
        assertThat(engine.endpoints().getFirst().lastError()).contains("connection refused");
    }

    @Test
    void aStreamThatBreaksMidwayContinuesOnAnotherEndpointAsOneStreamWithOneFinish() throws InterruptedException {
        pool(4, 8, 3);
        Generation generation = engine.submit(request(new Prompt.Text("once upon"), 5));

        upstream.call(0).tokens(1, 2, 3).fail(new UpstreamFailure.Broken("connection reset"));

        ScriptedUpstream.Call continuation = upstream.call(1);
        assertThat(continuation.endpoint).isEqualTo(B);
        assertThat(continuation.request.generated()).extracting(Token::id).containsExactly(1, 2, 3);
        assertThat(continuation.request.remainingTokens()).isEqualTo(2);
        assertThat(tokenIds(drain(generation))).as("every token sent before the break").containsExactly(1, 2, 3);

        continuation.tokens(4, 5).finish(FinishReason.LENGTH, 3 + 3, 2); // its prompt: 3 tokens plus the 3 resent

        List<GenerationEvent> rest = drain(generation);
        assertThat(tokenIds(rest)).containsExactly(4, 5);
        assertThat(rest.getLast()).isInstanceOfSatisfying(GenerationEvent.Finished.class, f -> {
            assertThat(f.promptTokens()).isEqualTo(3);
            assertThat(f.generatedTokens()).isEqualTo(5);
            assertThat(f.generatedText()).isEqualTo("<1><2><3><4><5>");
            assertThat(f.reason()).isEqualTo(FinishReason.LENGTH);
        });
        assertThat(rest).filteredOn(e -> !(e instanceof GenerationEvent.TokenGenerated)).hasSize(1);
    }

    @Test
    void aConstrainedStreamThatBreaksMidwayEndsUnavailableRatherThanRestartingItsGrammarElsewhere()
            throws InterruptedException {
        pool(4, 8, 3);
        Generation generation = engine.submit(new GenerationRequest("req", "acct", new Prompt.Text("once upon"), 5,
                Sampling.greedy(), List.of(), 0, false, new OutputConstraint.Regex("<[0-9]>+")));

        upstream.call(0).tokens(1, 2, 3).fail(new UpstreamFailure.Broken("connection reset"));

        List<GenerationEvent> events = drain(generation);
        assertThat(tokenIds(events.subList(0, events.size() - 1))).containsExactly(1, 2, 3);
        assertThat(events.getLast()).isInstanceOfSatisfying(GenerationEvent.Failed.class, failed -> {
            assertThat(failed.cause()).isEqualTo(GenerationEvent.Failed.Cause.UNAVAILABLE);
            assertThat(failed.message()).contains("cannot be continued on another endpoint");
        });
        assertThat(upstream.calls()).hasSize(1);
    }

    @Test
    void eachTokenGoesToTheCallerAsItArrivesAndTheFinishCarriesNone() throws InterruptedException {
        pool(4, 8, 3);
        Generation generation = engine.submit(request("hello"));

        upstream.call(0).tokens(1);
        assertThat(tokenIds(drain(generation))).containsExactly(1);

        upstream.call(0).tokens(2).finish(FinishReason.LENGTH, 2, 2);
        List<GenerationEvent> rest = drain(generation);
        assertThat(tokenIds(rest)).containsExactly(2);
        assertThat(rest.getLast()).isInstanceOfSatisfying(GenerationEvent.Finished.class,
                f -> assertThat(f.lastToken()).isEmpty());
        assertThat(engine.lastTokenInFinished()).isFalse();
    }

    @Test
    void aGenerationWhoseEveryEndpointFailsEndsUnavailableNamingTheLastFailure() throws InterruptedException {
        pool(4, 8, 3);
        Generation generation = engine.submit(request("hello"));

        upstream.call(0).fail(new UpstreamFailure.Unreachable("connection refused"));
        upstream.call(1).fail(new UpstreamFailure.Busy(502, Optional.empty(), "bad gateway"));

        assertThat(drain(generation)).singleElement().isEqualTo(new GenerationEvent.Failed(
                GenerationEvent.Failed.Cause.UNAVAILABLE,
                "no endpoint of remote can serve now; the last one failed: http://gpu-b:8080: bad gateway"));
        assertThat(engine.load().active()).isZero();
    }

    @Test
    void cancellingAGenerationCancelsItsUpstreamAttemptAtOnce() throws InterruptedException {
        pool(4, 8, 3);
        Generation generation = engine.submit(request("hello"));
        upstream.call(0).tokens(1, 2);

        generation.cancel();

        assertThat(upstream.call(0).cancelled()).isTrue();
        assertThat(engine.load().active()).isZero();
        drain(generation);
        upstream.call(0).tokens(3).finish(FinishReason.LENGTH, 1, 3); // a late answer changes nothing
        assertThat(drain(generation)).isEmpty();
        assertThat(engine.load().active()).isZero();
    }

    @Test
    void anEndpointFailingItsHealthCheckGetsNoWorkUntilOnePasses() {
        pool(4, 8, 3);
        upstream.failProbes(A, "connection refused");
        engine.checkHealth();

        engine.submit(request("one"));
        engine.submit(request("two"));
        assertThat(state(A)).isEqualTo(EndpointStatus.State.DOWN);
        assertThat(upstream.calls()).extracting(c -> c.endpoint).containsExactly(B, B);

        upstream.passProbes(A);
        engine.checkHealth();
        engine.submit(request("three"));
        assertThat(upstream.last().endpoint).isEqualTo(A);
    }

    @Test
    void closingFailsRunningAndWaitingGenerationsAsStoppingAndCancelsTheirAttempts() throws InterruptedException {
        pool(1, 4, 3);
        Generation running = engine.submit(request("one"));
        engine.submit(request("two"));
        Generation waiting = engine.submit(request("three"));

        engine.close();

        GenerationEvent.Failed stopping = new GenerationEvent.Failed(GenerationEvent.Failed.Cause.STOPPING,
                "the server is shutting down");
        assertThat(drain(running)).containsExactly(stopping);
        assertThat(drain(waiting)).containsExactly(stopping);
        assertThat(upstream.calls()).allMatch(ScriptedUpstream.Call::cancelled);
        assertThatThrownBy(() -> engine.submit(request("late"))).isInstanceOf(EngineClosedException.class);
    }

    @Test
    void aParameterTheUpstreamCannotHonourIsRefusedBeforeAnythingIsSent() {
        pool(4, 8, 3);
        GenerationRequest typical = new GenerationRequest("req", "acct", new Prompt.Text("hi"), 4,
                new Sampling(true, 0.7f, 0, 1f, 0.9f, 1f, 0f, 1L), List.of(), 0, false);

        assertThatThrownBy(() -> engine.requireSupported(typical)).isInstanceOf(UnsupportedParameterException.class)
                .hasMessageContaining("typical_p");
        assertThat(upstream.calls()).isEmpty();
    }

    @Test
    void aReproducibleRequestIsRefusedNamingTheParameterSinceNoUpstreamCanHonourIt() {
        pool(4, 8, 3);
        GenerationRequest reproducible = new GenerationRequest("req", "acct", new Prompt.Text("hi"), 4,
                Sampling.greedy(), List.of(), 0, true);

        assertThatThrownBy(() -> engine.requireSupported(reproducible))
                .isInstanceOfSatisfying(UnsupportedParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("reproducible"))
                .hasMessageContaining("products this server loads");
        assertThat(upstream.calls()).isEmpty();
    }

    private static int[] concat(int[] prefix, int last) {
        int[] all = Arrays.copyOf(prefix, prefix.length + 1);
        all[prefix.length] = last;
        return all;
    }
}
