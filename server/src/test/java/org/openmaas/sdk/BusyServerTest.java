package org.openmaas.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.client.DeadlineExceededException;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerateResult;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.client.ResourceExhaustedException;
import org.openmaas.testing.AccessLogRecorder;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * The SDK against a server that is busy: one slot and a queue of one, and a long generation that holds the slot until
 * its client leaves. Early close, 429 with Retry-After, and the read timeout of a queued request.
 */
class BusyServerTest {

    static final String PROMPT = "Once upon a time";
    static final int LONG = 1500;
    static TestServer server;
    static ScriptedEngine engine;
    static MaasClient client;
    static Model model;
    final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        engine = ScriptedEngine.builder().slots(1).maxQueued(1)
                .scripts(request -> request.maxNewTokens() == LONG
                        ? Script.builder().text("Once").endless(" more") : ScriptedEngine.untilMaxNewTokens(request))
                .build();
        server = TestServer.scripted(engine);
        client = Clients.builderFor(server).build();
        model = client.models().getFirst();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @AfterEach
    void idle() throws InterruptedException {
        background.shutdown();
        assertThat(background.awaitTermination(60, TimeUnit.SECONDS)).as("background calls ended").isTrue();
        await(() -> engine.load().active() == 0 && engine.load().queued() == 0, Duration.ofSeconds(30));
    }

    /** Holds the only slot until closed: its generation never ends by itself. */
    static GenerationStream occupySlot() {
        GenerationStream stream = client.generateStream(GenerateRequest.builder(model, PROMPT).maxNewTokens(LONG)
                .temperature(0).build());
        stream.next();
        return stream;
    }

    static GenerateRequest shortRequest() {
        return GenerateRequest.builder(model, PROMPT).maxNewTokens(3).temperature(0).build();
    }

    @Test
    void closingAStreamEarlyCancelsItsGenerationOnTheServer() throws Exception {
        GenerationStream stream = occupySlot();
        stream.next();
        stream.next();
        assertThat(engine.load().active()).isEqualTo(1);
        Instant closed = Instant.now();

        stream.close();

        assertThat(await(() -> engine.load().active() == 0, Duration.ofSeconds(5)))
                .as("the slot is free within 5 s of the close").isTrue();
        assertThat(Duration.between(closed, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(stream.hasNext()).isFalse();
    }

    @Test
    void a429IsRetriedAfterItsRetryAfterAndThenSucceeds() throws Exception {
        try (AccessLogRecorder log = AccessLogRecorder.start()) {
            GenerationStream holder = occupySlot();
            CompletableFuture<GenerateResult> queued = CompletableFuture.supplyAsync(() -> client.generate(shortRequest()), background);
            await(() -> engine.load().queued() == 1, Duration.ofSeconds(10));

            Instant started = Instant.now();
            CompletableFuture<GenerateResult> retried = CompletableFuture.supplyAsync(() -> client.generate(shortRequest()), background);
            assertThat(log.await("POST", "/v1/maas/generatestream", 429, 1, Duration.ofSeconds(10)))
                    .as("the third request was refused with 429").isTrue();
            holder.close(); // the slot frees, the queued request runs, the queue has room again

            GenerateResult result = retried.get(30, TimeUnit.SECONDS);
            assertThat(result.details().generatedTokens()).isEqualTo(3);
            // Without Retry-After the first backoff is at most 0.5 s; the server asked for 1 s.
            assertThat(Duration.between(started, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(queued.get(30, TimeUnit.SECONDS).details().generatedTokens()).isEqualTo(3);
        }
    }

    @Test
    void a429OnTheLastAttemptIsAResourceExhaustedExceptionWithTheRetryAfter() throws Exception {
        try (MaasClient once = Clients.builderFor(server).maxAttempts(1).build();
             GenerationStream holder = occupySlot()) {
            CompletableFuture<GenerateResult> queued = CompletableFuture.supplyAsync(() -> client.generate(shortRequest()), background);
            await(() -> engine.load().queued() == 1, Duration.ofSeconds(10));

            assertThatThrownBy(() -> once.generate(shortRequest()))
                    .isInstanceOfSatisfying(ResourceExhaustedException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(429);
                        assertThat(e.grpcCode()).isEqualTo(8);
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                        assertThat(e.getMessage()).contains("queue is full");
                        assertThat(e.requestId()).isPresent();
                    });
            holder.close();
            queued.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRequestStillQueuedAtTheReadTimeoutIsADeadlineExceeded() throws Exception {
        try (MaasClient impatient = Clients.builderFor(server).readTimeout(Duration.ofMillis(500)).build();
             GenerationStream holder = occupySlot()) {
            assertThatThrownBy(() -> impatient.generate(shortRequest()))
                    .isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
                        assertThat(e.httpStatus()).isZero();
                        assertThat(e.getMessage()).contains("within 500 ms (the read timeout)");
                    });
            holder.close();
        }
    }

    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

}
