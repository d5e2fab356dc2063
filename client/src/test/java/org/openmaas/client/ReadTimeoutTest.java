package org.openmaas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops sending in the middle of a stream (a dead proxy, a stalled network): something a healthy
 * server never does, so a stub plays it. The real server's behaviour is tested in the server module.
 */
class ReadTimeoutTest {

    static final String TOKEN_LINE = "{\"result\":{\"response\":{\"token\":{\"id\":1,\"text\":\"Once\",\"logprob\":-0.5,"
            + "\"special\":false},\"top_tokens\":[],\"requestID\":\"stalled-1\"}}}\n";

    HttpServer peer;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/oauth2/token", exchange -> {
            byte[] body = "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":3600}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        peer.createContext("/v1/maas/generatestream", exchange -> {
            exchange.getResponseHeaders().add("X-Request-ID", "stalled-1");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(TOKEN_LINE.getBytes(StandardCharsets.UTF_8));
                out.flush();
                release.await(120, TimeUnit.SECONDS); // then silence, far longer than the read timeout
            } catch (InterruptedException | IOException e) {
                // the client hung up
            }
        });
        peer.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        peer.start();
        // The JDK HttpClient's first exchange loads its classes (a quarter of a second here): not what is measured.
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + peer.getAddress().getPort() + "/oauth2/token"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
    }

    @AfterEach
    void stop() {
        release.countDown();
        peer.stop(0);
    }

    @Test
    void aStreamThatFallsSilentFailsAfterTheReadTimeout() {
        String base = "http://127.0.0.1:" + peer.getAddress().getPort();
        try (MaasClient client = MaasClient.builder().environment(Map.of()).baseUrl(base + "/v1/maas")
                .authUrl(base + "/oauth2/token").clientId("c").clientSecret("s").cloudAccount("1")
                .readTimeout(Duration.ofMillis(3000)).build();
             GenerationStream stream = client.generateStream(GenerateRequest.builder(
                     new Model("m", "00000000-0000-0000-0000-000000000000", "p"), "Once").build())) {
            assertThat(stream.next().token().text()).isEqualTo("Once");
            long start = System.nanoTime();

            assertThatThrownBy(stream::next).isInstanceOf(DeadlineExceededException.class)
                    .hasMessage("no data from the service for 3000 ms (the read timeout) after 1 tokens")
                    .satisfies(e -> assertThat(((MaasException) e).requestId()).contains("stalled-1"));
            // The timeout ended it, not the peer: the peer stays silent for two minutes. (3 s, not less: the same read
            // timeout covers the token request, which a starved machine may take a second or more to answer.)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
            assertThat(stream.hasNext()).isFalse();
        }
    }
}
