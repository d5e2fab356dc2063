package org.openmaas.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One POST on a connection of its own against a loopback server that answers with bytes written by hand: every
 * framing HTTP/1.1 allows, decoded exactly, and every way an answer can go wrong, an error.
 */
class StreamingPostTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Runnable NOTHING = () -> { };

    private final ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);

    StreamingPostTest() throws IOException {
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        listener.close();
    }

    @Test
    void theRequestIsOnePostWithItsHeadersItsLengthAndAPromiseToClose() throws Exception {
        answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        try (InputStream body = post("/v1/completions?x=1", "{\"a\":1}").body()) {
            body.readAllBytes();
        }

        assertThat(requests.poll(10, TimeUnit.SECONDS)).isEqualTo("POST /v1/completions?x=1 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + listener.getLocalPort() + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}");
    }

    @Test
    void aChunkedBodyIsDecodedAcrossChunkExtensionsAndTrailers() throws Exception {
        answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"
                + "6\r\ndata: \r\nb;ext=1\r\n{\"t\":1}\n\n\r\n\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n");

        StreamingPost.Response response = post("/", "{}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        try (InputStream body = response.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: {\"t\":1}\n\n\r\n");
            assertThat(body.read()).isEqualTo(-1);
        }
    }

    @Test
    void aBodyWithoutLengthOrChunksEndsWithTheConnection() throws Exception {
        answering("HTTP/1.0 200 OK\r\n\r\ndata: 1\n\ndata: 2\n\n");

        try (InputStream body = post("/", "{}").body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: 1\n\ndata: 2\n\n");
        }
    }

    @Test
    void interimAnswersAreSkippedAndARefusalKeepsItsStatusHeadersAndBody() throws Exception {
        answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\n"
                + "Content-Length: 14\r\n\r\n{\"error\":\"no\"}");

        StreamingPost.Response response = post("/", "{}");

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        try (InputStream body = response.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"no\"}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            inside a chunk              | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\na\\r\\ndata     | inside a chunk
            between chunks              | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n4\\r\\ndata\\r\\n | before the body's last chunk
            short of its Content-Length | HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\nabc                  | 7 bytes before the body's end
            """)
    void aBodyCutShortByTheConnectionsCloseIsAnError(String where, String answer, String message) throws Exception {
        answering(answer.translateEscapes());

        try (InputStream body = post("/", "{}").body()) {
            assertThatThrownBy(body::readAllBytes).as(where).isInstanceOf(IOException.class)
                    .hasMessageContaining(message);
        }
    }

    @Test
    void somethingThatIsNotAnHttpAnswerIsAnError() throws Exception {
        answering("SSH-2.0-OpenSSH_9.6\r\n\r\n");

        assertThatThrownBy(() -> post("/", "{}")).isInstanceOf(IOException.class)
                .hasMessageContaining("not an HTTP/1.x answer: SSH-2.0-OpenSSH_9.6");
    }

    @Test
    void aConnectionClosedBeforeTheAnswerIsAnError() throws Exception {
        answering("");

        assertThatThrownBy(() -> post("/", "{}")).isInstanceOf(IOException.class)
                .hasMessageContaining("closed before the answer's headers ended");
    }

    @Test
    void headersLongerThanTheLimitAreRefused() throws Exception {
        answering("HTTP/1.1 200 OK\r\nX-Huge: " + "x".repeat(StreamingPost.HEADER_LIMIT) + "\r\n\r\n");

        assertThatThrownBy(() -> post("/", "{}")).isInstanceOf(IOException.class)
                .hasMessageContaining("longer than allowed");
    }

    @Test
    void itSaysTheRequestIsSentBeforeTheAnswerComes() throws Exception {
        holding("");
        CountDownLatch sent = new CountDownLatch(1);
        CompletableFuture<StreamingPost.Response> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return StreamingPost.send(uri("/"), Map.of(), "{}".getBytes(StandardCharsets.UTF_8), WAIT, WAIT,
                        sent::countDown);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(requests.poll(10, TimeUnit.SECONDS)).endsWith("\r\n\r\n{}");
        assertThat(answer).isNotDone(); // the server holds its answer
    }

    @Test
    void anAnswerWhoseHeadersDoNotComeInTimeIsATimeout() throws Exception {
        holding("");

        assertThatThrownBy(() -> StreamingPost.send(uri("/"), Map.of(), new byte[0], WAIT, Duration.ofMillis(200),
                NOTHING))
                .isInstanceOf(HttpTimeoutException.class).hasMessageContaining("200 ms");
    }

    @Test
    void closingTheBodyWakesItsBlockedReader() throws Exception {
        holding("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
        InputStream body = post("/", "{}").body();
        assertThat(new String(body.readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("first");
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return body.read();
            } catch (IOException e) {
                return -2;
            }
        });

        body.close();

        assertThat(blocked.get(10, TimeUnit.SECONDS)).isIn(-1, -2);
    }

    @Test
    void anHttpsUriIsRefused() {
        assertThatThrownBy(() -> StreamingPost.send(URI.create("https://127.0.0.1:" + listener.getLocalPort() + "/"),
                Map.of(), new byte[0], WAIT, WAIT, NOTHING)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a plain http URI");
    }

    @Test
    void noListenerIsAConnectException() throws Exception {
        int port = listener.getLocalPort();
        listener.close();

        assertThatThrownBy(() -> StreamingPost.send(URI.create("http://127.0.0.1:" + port + "/"), Map.of(),
                new byte[0], WAIT, WAIT, NOTHING)).isInstanceOf(ConnectException.class);
    }

    private StreamingPost.Response post(String path, String json) throws IOException {
        return StreamingPost.send(uri(path), Map.of("Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8), WAIT, WAIT, NOTHING);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + path);
    }

    /** Accepts one connection, reads its request and answers {@code answer}, then closes it. */
    private void answering(String answer) {
        serve(answer, false);
    }

    /** As {@link #answering}, but keeps the connection open until the test ends. */
    private void holding(String answer) {
        serve(answer, true);
    }

    private void serve(String answer, boolean hold) {
        Thread.ofVirtual().start(() -> {
            try (Socket socket = listener.accept()) {
                requests.add(readRequest(socket.getInputStream()));
                OutputStream out = socket.getOutputStream();
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (hold) {
                    release.await();
                }
            } catch (IOException | InterruptedException e) {
                // the test ended
            }
        });
    }

    /** The request's head and its Content-Length of body. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        while (!request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return request.toString(StandardCharsets.ISO_8859_1);
            }
            request.write(b);
        }
        String head = request.toString(StandardCharsets.ISO_8859_1);
        int length = head.lines().filter(line -> line.startsWith("Content-Length: ")).findFirst()
                .map(line -> Integer.parseInt(line.substring("Content-Length: ".length()))).orElse(0);
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
