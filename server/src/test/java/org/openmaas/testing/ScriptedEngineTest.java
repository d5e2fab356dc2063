package org.openmaas.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationEvent.Failed;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;

/** The test engine keeps the engine contract the server relies on. */
class ScriptedEngineTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Failed STOPPING = new Failed(Failed.Cause.STOPPING, "the server is shutting down");

    final Gate gate = new Gate();

    @Test
    void aGenerationPlaysItsScriptAndTheLastTokenRidesInFinished() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.builder().script(Script.builder().text("Once").text(" upon")
                .finish(FinishReason.EOS_TOKEN)).build()) {
            Generation generation = engine.submit(request("r"));

            assertThat(next(generation)).isInstanceOfSatisfying(GenerationEvent.TokenGenerated.class,
                    t -> assertThat(t.token().text()).isEqualTo("Once"));
            assertThat(next(generation)).isInstanceOfSatisfying(GenerationEvent.Finished.class, f -> {
                assertThat(f.lastToken().orElseThrow().token().text()).isEqualTo(" upon");
                assertThat(f.reason()).isEqualTo(FinishReason.EOS_TOKEN);
                assertThat(f.generatedTokens()).isEqualTo(2);
                assertThat(f.generatedText()).isEqualTo("Once upon");
                assertThat(f.promptTokens()).isEqualTo(3);
            });
        }
    }

    @Test
    void aHeldGenerationWaitsForItsGateAndACancelledOneSaysNothingMore() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.builder()
                .script(Script.builder().text("Once").hold(gate).text(" upon").finish(FinishReason.LENGTH)).build()) {
            Generation cancelled = engine.submit(request("cancelled"));
            assertThat(next(cancelled)).isInstanceOf(GenerationEvent.TokenGenerated.class);
            gate.awaitReached();

            cancelled.cancel();

            awaitLoad(engine, new EngineLoad(0, 0, 1));
            gate.open();
            assertThat(cancelled.poll(Duration.ZERO)).isNull();
        }
    }

    @Test
    void waitingGenerationsGetTheSlotInTurnAndAFullQueueIsRefused() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.builder().maxQueued(1)
                .script(Script.builder().text("Once").hold(gate).text(" upon").finish(FinishReason.LENGTH)).build()) {
            Generation first = engine.submit(request("first"));
            Generation second = engine.submit(request("second"));

            assertThat(engine.load()).isEqualTo(new EngineLoad(1, 1, 1));
            assertThatThrownBy(() -> engine.submit(request("third"))).isInstanceOf(EngineOverloadedException.class);
            gate.open();
            assertThat(drain(first)).isInstanceOf(GenerationEvent.Finished.class);
            assertThat(drain(second)).isInstanceOf(GenerationEvent.Finished.class);
            assertThat(engine.submitted()).extracting(GenerationRequest::requestId).containsExactly("first", "second");
        }
    }

    @Test
    void closeEndsRunningAndWaitingGenerationsAndRefusesNewOnes() throws Exception {
        ScriptedEngine engine = ScriptedEngine.builder()
                .script(Script.builder().text("Once").hold(gate).text(" upon").finish(FinishReason.LENGTH)).build();
        Generation running = engine.submit(request("running"));
        Generation waiting = engine.submit(request("waiting"));
        gate.awaitReached();

        engine.close();

        assertThat(drain(running)).isEqualTo(STOPPING);
        assertThat(next(waiting)).isEqualTo(STOPPING);
        assertThat(engine.load()).isEqualTo(new EngineLoad(0, 0, 1));
        assertThatThrownBy(() -> engine.submit(request("late"))).isInstanceOf(EngineClosedException.class);
    }

    @Test
    void anEndlessScriptRunsUntilCancelled() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.builder().script(Script.builder().endless(" more")).build()) {
            Generation endless = engine.submit(request("endless"));
            for (int i = 0; i < 3; i++) {
                assertThat(next(endless)).isInstanceOf(GenerationEvent.TokenGenerated.class);
            }

            endless.cancel();

            awaitLoad(engine, new EngineLoad(0, 0, 1));
        }
    }

    private static GenerationRequest request(String id) {
        return new GenerationRequest(id, "acct", new int[] {1, 2, 3}, 10, Sampling.greedy(), List.of(), 0, false);
    }

    private static GenerationEvent next(Generation generation) throws InterruptedException {
        GenerationEvent event = generation.poll(PATIENCE);
        assertThat(event).as("an event within " + PATIENCE).isNotNull();
        return event;
    }

    /** The generation's last event, skipping its tokens. */
    private static GenerationEvent drain(Generation generation) throws InterruptedException {
        GenerationEvent event = next(generation);
        while (event instanceof GenerationEvent.TokenGenerated) {
            event = next(generation);
        }
        return event;
    }

    private static void awaitLoad(ScriptedEngine engine, EngineLoad load) throws InterruptedException {
        Await.until(() -> engine.load().equals(load));
    }
}
