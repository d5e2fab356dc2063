package org.openmaas.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.client.UnavailableException;
import org.openmaas.testing.AccessLogRecorder;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A product whose engine stops: a stream already running ends with an error line, thrown from the iterator; a new
 * request gets 503 with Retry-After, which the SDK retries before it gives up with {@link UnavailableException}.
 */
class StreamFailureTest {

    TestServer server;
    MaasClient client;
    Model model;

    @BeforeEach
    void start() {
        // A generation that never ends by itself: only the engine's stop can end the stream.
        server = TestServer.scripted(ScriptedEngine.builder()
                .script(Script.builder().text("Once").endless(" more")).build());
        client = Clients.builderFor(server).build();
        model = client.models().getFirst();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    void stopEngine() {
        server.server().catalog().entries().getFirst().engine().close();
    }

    @Test
    void anEngineThatStopsMidStreamEndsItWithAnUnavailableExceptionFromTheIterator() {
        try (GenerationStream stream = client.generateStream(GenerateRequest.builder(model, "Once upon a time")
                .maxNewTokens(1500).temperature(0).build())) {
            stream.next();

            stopEngine();

            assertThatThrownBy(() -> stream.forEachRemaining(event -> { }))
                    .isInstanceOfSatisfying(UnavailableException.class, e -> {
                        assertThat(e.grpcCode()).isEqualTo(14);
                        assertThat(e.httpStatus()).isEqualTo(200);
                        assertThat(e.getMessage()).isEqualTo("the server is shutting down; retry the request");
                        assertThat(e.requestId()).contains(stream.requestId());
                    });
            assertThat(stream.hasNext()).isFalse();
            assertThat(stream.details()).isEmpty();
        }
    }

    @Test
    void a503IsRetriedAfterItsRetryAfterThenSurfacesAsUnavailable() throws Exception {
        stopEngine();
        try (AccessLogRecorder log = AccessLogRecorder.start();
             MaasClient twice = Clients.builderFor(server).maxAttempts(2).build()) {
            Instant start = Instant.now();

            assertThatThrownBy(() -> twice.generate(GenerateRequest.builder(model, "Once").build()))
                    .isInstanceOfSatisfying(UnavailableException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(503);
                        assertThat(e.grpcCode()).isEqualTo(14);
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
                        assertThat(e.getMessage()).contains("shut down");
                    });

            assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(log.await("POST", "/v1/maas/generatestream", 503, 2, Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aRetryAfterBeyondTheRetryBudgetFailsAtOnce() {
        stopEngine();
        try (MaasClient hurried = Clients.builderFor(server).maxRetryWait(Duration.ofSeconds(2)).build()) {
            Instant start = Instant.now();

            assertThatThrownBy(() -> hurried.generate(GenerateRequest.builder(model, "Once").build()))
                    .isInstanceOf(UnavailableException.class);

            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        }
    }
}
