package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.StaleConnectionServer;

/**
 * The bench's own client does not count a request as failed when the server closed the kept-alive connection it went
 * on without answering (llama-server closes its connection after every streamed answer): it sends it again on a new
 * connection, as production clients do.
 */
class OpenAiEndpointTest {

    @AutoClose
    private final StaleConnectionServer server =
            StaleConnectionServer.answering("text/event-stream", StaleConnectionServer.TWO_TOKEN_STREAM);

    @Test
    void aStreamWhoseKeptAliveConnectionTheServerClosedUnansweredIsSentAgainAndCounted() throws Exception {
        OpenAiEndpoint endpoint = new OpenAiEndpoint(OpenAiEndpoint.apiBase(server.endpoint().toString()), null, "m");

        for (int i = 0; i < 2; i++) { // the second goes on the first one's connection, which the server closes
            Timing timing = endpoint.send(Endpoint.Kind.STREAM, "Hello", 2);

            assertThat(timing.error()).isNull();
            assertThat(timing.generatedTokens()).isEqualTo(2);
            assertThat(timing.tokenNanos()).hasSize(2);
        }
        assertThat(server.connections()).isEqualTo(2);
    }
}
