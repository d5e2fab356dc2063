package org.openmaas.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that keeps its connections alive and answers every request with one canned 200, except
 * that it reads the second request on its first connection and closes that connection without answering: what a
 * client meets when it reuses a pooled connection the server has just closed (llama-server closes its connection after
 * every streamed answer, and a client can send on it before it sees the close). {@link #closeEveryRequestUnanswered}
 * makes it a server that never answers at all.
 */
public final class StaleConnectionServer implements AutoCloseable {

    /** An OpenAI completions stream of two tokens ("Once", " upon") and its usage, as llama-server streams one. */
    public static final String TWO_TOKEN_STREAM = """
            data: {"choices":[{"index":0,"text":"Once","finish_reason":null}]}

            data: {"choices":[{"index":0,"text":" upon","finish_reason":"length"}]}

            data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}

            data: [DONE]

            """;

    private final ServerSocket listener;
    private final String contentType;
    private final byte[] body;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile boolean closeEvery;

    private StaleConnectionServer(ServerSocket listener, String contentType, String body) {
        this.listener = listener;
        this.contentType = contentType;
        this.body = body.getBytes(StandardCharsets.UTF_8);
    }

    /** A server on a free loopback port answering {@code body} as {@code contentType}. */
    public static StaleConnectionServer answering(String contentType, String body) {
        try {
            StaleConnectionServer server = new StaleConnectionServer(
                    new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), contentType, body);
            Thread.ofVirtual().name("stale-connection-accept").start(server::accept);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** From now on every request is read and its connection closed without an answer. */
    public void closeEveryRequestUnanswered() {
        closeEvery = true;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Requests answered so far. */
    public int answered() {
        return answered.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket connection = listener.accept();
                int number = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(connection, number));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection, int number) {
        try (connection) {
            InputStream in = connection.getInputStream();
            for (int request = 1; readRequest(in); request++) {
                if (closeEvery || number == 1 && request == 2) {
                    return;
                }
                connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                connection.getOutputStream().write(body);
                connection.getOutputStream().flush();
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            // the client hung up
        }
    }

    /** Reads one request, its headers and its {@code Content-Length} of body; false at the connection's end. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            last4 = last4 << 8 | b;
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        in.skipNBytes(length);
        return true;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
