package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A request that says {@code Connection: close} gets its whole response and then the end of the connection, so a
 * client that reads to the end of the stream (HTTP/1.0-style clients, shell tools, load balancers' health checks)
 * is done when the response is.
 */
class ConnectionCloseTest {

    /**
     * How long a read may wait for the server to close: far longer than writing a short response takes, far shorter
     * than the server's idle timeout (30 s), which closes every quiet connection in the end.
     */
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    @AutoClose
    static final TestServer server = TestServer.scripted(ScriptedEngine.builder().build());
    static final String token = server.token();

    @Test
    void aResponseIsFollowedByTheEndOfTheConnection() throws IOException {
        String response = untilClosed("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
    }

    @Test
    void anErrorResponseIsFollowedByTheEndOfTheConnection() throws IOException {
        String response = untilClosed("GET /no-such-path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 404").contains("no such endpoint");
    }

    @Test
    void aStreamIsFollowedByTheEndOfTheConnectionOnceItsLastLineIsOut() throws IOException {
        String body = server.body("Once upon a time", "{\"max_new_tokens\": 3}");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String response = untilClosed("POST /v1/maas/generatestream HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer " + token + "\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n" + body);

        assertThat(response).startsWith("HTTP/1.1 200").contains("FINISH_REASON_LENGTH").endsWith("0\r\n\r\n");
    }

    @Test
    void aConnectionThatAsksForNothingIsKeptForTheNextRequest() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
            }
        }
    }

    /**
     * Sends {@code request} on a new connection and reads until the server closes it. A server that keeps the
     * connection open fails the test when the read times out.
     */
    private static String untilClosed(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open after answering: " + received, e);
            }
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    /** A response head and its body, which is short and has a Content-Length. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the server closed a connection no one asked it to close").isNotNegative();
            head.append((char) b);
        }
        int length = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        in.readNBytes(length);
        return head.toString();
    }
}
