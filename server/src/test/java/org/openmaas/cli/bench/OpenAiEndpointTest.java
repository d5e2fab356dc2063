package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    @Test
    void aStreamIsReadToItsEndSoThatTheNextRequestGoesOnTheSameConnection() throws Exception {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        HttpServer keepingAlive = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        keepingAlive.createContext("/v1/completions", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(StaleConnectionServer.TWO_TOKEN_STREAM.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(300); // the body's end comes after [DONE]: a client that stops at [DONE] never sees it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        keepingAlive.start();
        try {
            OpenAiEndpoint endpoint = new OpenAiEndpoint(OpenAiEndpoint.apiBase("http://127.0.0.1:"
                    + keepingAlive.getAddress().getPort()), null, "m");
            for (int i = 0; i < 3; i++) {
                Timing timing = endpoint.send(Endpoint.Kind.STREAM, "Hello", 2);

                assertThat(timing.error()).isNull();
                assertThat(timing.generatedTokens()).isEqualTo(2);
                assertThat(timing.endNanos()).isLessThan(timing.tokenNanos().getLast() + 300_000_000L);
            }
        } finally {
            keepingAlive.stop(0);
        }
        assertThat(clientPorts).hasSize(1);
    }
}
