package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.EndpointStatus;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.testing.StaleConnectionServer;

/**
 * A request whose pooled connection the upstream had closed, as llama-server closes its connection after every
 * streamed answer, is sent again on a new connection: the upstream did not fail, so neither does the request.
 */
class UpstreamHttpTest {

    @AutoClose
    private final StaleConnectionServer server =
            StaleConnectionServer.answering("text/event-stream", StaleConnectionServer.TWO_TOKEN_STREAM);

    // As the server builds it: the selector thread delivers the bytes.
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Runnable::run).build();
    private final UpstreamHttp http = new UpstreamHttp(client, Optional.empty(), UpstreamTimeouts.DEFAULTS);

    @Test
    void everyStreamGoesOnAConnectionOfItsOwnSoNoneMeetsAConnectionTheUpstreamClosed() throws Exception {
        for (int i = 0; i < 2; i++) {
            try (InputStream body = http.open(server.endpoint(), "/v1/completions", UpstreamHttp.object(),
                    () -> { })) {
                assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo(StaleConnectionServer.TWO_TOKEN_STREAM);
            }
        }
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aShortCallSentOnAKeptAliveConnectionThatTheUpstreamClosesUnansweredIsSentAgainOnANewOne() throws Exception {
        StaleConnectionServer json = StaleConnectionServer.answering("application/json", "{\"tokens\":[1,2]}");
        try (json) {
            http.call(http.post(json.endpoint(), "/tokenize", UpstreamHttp.object()));

            assertThat(http.call(http.post(json.endpoint(), "/tokenize", UpstreamHttp.object())).path("tokens"))
                    .hasSize(2);
            assertThat(json.connections()).isEqualTo(2);
        }
    }

    @Test
    void anUpstreamThatClosesAStreamsNewConnectionUnansweredIsUnreachable() {
        server.closeEveryRequestUnanswered();

        assertThatThrownBy(() -> http.open(server.endpoint(), "/v1/completions", UpstreamHttp.object(), () -> { }))
                .isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.failure())
                        .isInstanceOf(UpstreamFailure.Unreachable.class));
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void aShortCallToAnUpstreamThatClosesEveryConnectionUnansweredIsUnreachableAfterOneNewConnection() {
        server.closeEveryRequestUnanswered();

        assertThatThrownBy(() -> http.call(http.post(server.endpoint(), "/tokenize", UpstreamHttp.object())))
                .isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.failure())
                        .isInstanceOf(UpstreamFailure.Unreachable.class));
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aPoolOfOneEndpointServesTheGenerationWhoseConnectionWasClosedAndCountsNoError() throws Exception {
        ModelInfo model = new ModelInfo("remote-model", 4096, Integer.MAX_VALUE, true);
        try (RemoteEngine engine = new RemoteEngine("remote", model, List.of(server.endpoint()),
                new OpenAiUpstream(client, UpstreamTimeouts.DEFAULTS, "gpt", Optional.empty()),
                RemoteEngine.Settings.of(2, 4), Clock.systemUTC())) {
            for (int i = 0; i < 2; i++) { // the second goes on the first one's connection, which the upstream closes
                GenerationEvent last = lastEvent(engine.submit(new GenerationRequest("req-" + i, "acct",
                        new Prompt.Text("Hello"), 2, Sampling.greedy(), List.of(), 0, false)));

                assertThat(last).isInstanceOfSatisfying(GenerationEvent.Finished.class, finished -> {
                    assertThat(finished.reason()).isEqualTo(FinishReason.LENGTH);
                    assertThat(finished.generatedText()).isEqualTo("Once upon");
                });
            }
            EndpointStatus endpoint = engine.endpoints().getFirst();
            assertThat(endpoint.errors()).isZero();
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    private static GenerationEvent lastEvent(Generation generation) throws InterruptedException {
        GenerationEvent event;
        do {
            event = generation.poll(Duration.ofSeconds(10));
            assertThat(event).as("an event within 10 s").isNotNull();
        } while (event instanceof GenerationEvent.TokenGenerated);
        return event;
    }
}
