package org.openmaas.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A streamed body read ahead of its reader: every byte in order, and a reader never left blocked. */
class PrefetchingBodyTest {

    private static final int CHUNKS = 2000;

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/chunks", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < CHUNKS; i++) {
                    out.write(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        });
        server.createContext("/held", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("first\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        client = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        release.countDown();
        client.close();
        server.stop(0);
    }

    @Test
    void aBodyOfManySmallChunksIsReadWholeAndInOrder() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < CHUNKS; i++) {
            expected.write(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
        }

        try (InputStream body = open("/chunks").body()) {
            assertThat(body.readAllBytes()).isEqualTo(expected.toByteArray());
            assertThat(body.read()).isEqualTo(-1);
        }
    }

    @Test
    void closingTheBodyWakesAReaderBlockedOnTheNextChunk() throws Exception {
        InputStream body = open("/held").body();
        assertThat(new String(body.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("first\n");
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return body.read();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });

        body.close();

        assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void anInterruptedReaderGetsAnIOExceptionAndKeepsItsInterrupt() throws Exception {
        InputStream body = open("/held").body();
        body.readNBytes(6);
        Thread.currentThread().interrupt();

        assertThatThrownBy(body::read).isInstanceOf(IOException.class).hasMessageContaining("interrupted");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void aConnectionLostMidBodyFailsTheRead() throws Exception {
        InputStream body = open("/held").body();
        body.readNBytes(6);

        server.stop(0); // drops the connection before the chunked body's end
        release.countDown();

        assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
    }

    private HttpResponse<InputStream> open(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).build(), PrefetchingBody.handler());
    }
}
