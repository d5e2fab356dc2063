package org.openmaas.httpclient;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 POST on a connection of its own, whose answer's body is read straight from the socket as it arrives:
 * for an upstream's stream of small events.
 *
 * <p>The JDK's {@code HttpClient} hands a body over from its selector thread one list of buffers at a time, and the
 * reader asks for each next one: on loopback, 8 streams of one-token SSE chunks cost 38-81 µs of client CPU a chunk
 * through it, against 25-31 µs read from the socket by a virtual thread (three interleaved runs). A gateway relays
 * every token of every stream so. Short calls keep the JDK client, with its pool.
 *
 * <p>The connection is not kept: {@code Connection: close} is sent, and closing the body closes it (before the
 * body's end that is how a stream is cancelled: the upstream sees the client gone and stops). A new TCP connection per
 * stream costs a round trip, nothing beside a generation's first token (llama-server closes its connection after every
 * stream anyway). Plain http only: over TLS a handshake per stream would cost more than the reading saves, so https
 * streams keep the pooled client. The body is decoded as its headers frame it: chunked, {@code Content-Length}, or up
 * to the connection's close. A virtual thread blocked on the answer is woken by an interrupt, which closes the socket,
 * as a thread reading the body is by {@code close()}.
 */
public final class StreamingPost {

    /** Bounds what a rogue server can make this hold before the body: the status line and all headers. */
    static final int HEADER_LIMIT = 64 * 1024;

    private StreamingPost() {
    }

    /** The answer: its status, its headers and its open body, which the caller reads and closes. */
    public record Response(int status, HttpHeaders headers, InputStream body) {
    }

    /**
     * Sends {@code body} to {@code uri} and waits for the answer's headers.
     *
     * @param headers        request headers besides Host, Content-Length and Connection
     * @param connectTimeout how long the connection may take
     * @param headerWait     how long the answer's headers may take once the request is sent; the body has no limit
     *                       here (its reader watches it)
     * @param requestSent    run once the request is written, before the answer is waited for
     * @throws HttpTimeoutException when the headers did not come within {@code headerWait}
     * @throws java.net.ConnectException when no connection could be made
     * @throws IOException when the connection failed or closed before a well-formed answer
     */
    public static Response send(URI uri, Map<String, String> headers, byte[] body, Duration connectTimeout,
                                Duration headerWait, Runnable requestSent) throws IOException {
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a plain http URI (https goes through a pooled client): " + uri);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : 80;
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), port), Math.toIntExact(connectTimeout.toMillis()));
            OutputStream out = socket.getOutputStream();
            out.write(requestHead(uri, port, headers, body.length));
            out.write(body);
            out.flush();
            requestSent.run();
            socket.setSoTimeout(Math.toIntExact(Math.max(1, headerWait.toMillis())));
            InputStream in = new Buffered(socket.getInputStream());
            Head head;
            try {
                head = Head.read(in);
            } catch (SocketTimeoutException e) {
                throw new HttpTimeoutException("no answer within " + headerWait.toMillis() + " ms");
            }
            socket.setSoTimeout(0);
            return new Response(head.status(), head.headers(), head.body(in, socket));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static byte[] requestHead(URI uri, int port, Map<String, String> headers, int length) {
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        boolean defaultPort = uri.getPort() < 0;
        StringBuilder head = new StringBuilder(256).append("POST ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(defaultPort ? "" : ":" + port).append("\r\n");
        headers.forEach((name, value) -> {
            if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                    || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a header holds a line break: " + name);
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        head.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A final answer's status line and headers (interim 1xx answers are skipped). */
    private record Head(int status, HttpHeaders headers) {

        static Head read(InputStream in) throws IOException {
            int[] budget = {HEADER_LIMIT};
            while (true) {
                String statusLine = line(in, budget);
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                    throw new IOException("not an HTTP/1.x answer: " + abbreviate(statusLine));
                }
                int status;
                try {
                    status = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException("not an HTTP status: " + abbreviate(statusLine));
                }
                Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (String field = line(in, budget); !field.isEmpty(); field = line(in, budget)) {
                    int colon = field.indexOf(':');
                    if (colon <= 0) {
                        throw new IOException("not an HTTP header: " + abbreviate(field));
                    }
                    fields.computeIfAbsent(field.substring(0, colon).trim(), name -> new ArrayList<>())
                            .add(field.substring(colon + 1).trim());
                }
                if (status >= 200) {
                    return new Head(status, HttpHeaders.of(fields, (name, value) -> true));
                }
            }
        }

        /** The body as these headers frame it; closing it closes {@code socket}. */
        InputStream body(InputStream in, Socket socket) throws IOException {
            if (status == 204 || status == 304) {
                socket.close();
                return InputStream.nullInputStream();
            }
            boolean chunked = headers.allValues("Transfer-Encoding").stream()
                    .anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("chunked"));
            if (chunked) {
                return new ChunkedBody(in, socket);
            }
            var length = headers.firstValueAsLong("Content-Length");
            if (length.isPresent()) {
                return new LengthBody(in, socket, length.getAsLong());
            }
            return new SocketBody(in, socket);
        }
    }

    /** Reads a CRLF- (or LF-) ended line of the answer's head as ISO-8859-1, spending budget[0] bytes at most. */
    static String line(InputStream in, int[] budget) throws IOException {
        return line(in, budget, "the connection closed before the answer's headers ended");
    }

    /** {@link #line(InputStream, int[])}, failing with {@code closed} when the connection ends first. */
    static String line(InputStream in, int[] budget, String closed) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(closed);
            }
            if (--budget[0] < 0) {
                throw new IOException("a line of the answer's head or chunk framing is longer than allowed");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /**
     * The socket's bytes through a buffer: one thread reads them, so this takes no lock per call, where
     * {@code BufferedInputStream} takes one for every byte of a chunk's size line (5 % of a gateway's CPU).
     */
    private static final class Buffered extends InputStream {

        private final InputStream in;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        Buffered(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return position < limit || fill() ? buffer[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == limit) {
                if (length >= buffer.length) {
                    return in.read(bytes, offset, length);
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(buffer, position, bytes, offset, n);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer, 0, buffer.length);
            position = 0;
            limit = Math.max(n, 0);
            return n > 0;
        }
    }

    /** A body read up to the connection's close; closing it closes the connection. */
    private static class SocketBody extends InputStream {

        final InputStream in;
        private final Socket socket;

        SocketBody(InputStream in, Socket socket) {
            this.in = in;
            this.socket = socket;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return in.read(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A body of {@code Content-Length} bytes. */
    private static final class LengthBody extends SocketBody {

        private long left;

        LengthBody(InputStream in, Socket socket, long length) {
            super(in, socket);
            this.left = length;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(bytes, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new EOFException("the connection closed " + left + " bytes before the body's end");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body, decoded: chunk extensions and trailers are read past. */
    private static final class ChunkedBody extends SocketBody {

        private static final int SIZE_LINE_LIMIT = 4096;
        private static final String BEFORE_LAST_CHUNK = "the connection closed before the body's last chunk";
        private long leftInChunk;
        private boolean ended;

        ChunkedBody(InputStream in, Socket socket) {
            super(in, socket);
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (leftInChunk == 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(bytes, offset, (int) Math.min(length, leftInChunk));
            if (n < 0) {
                throw new EOFException("the connection closed inside a chunk of the body");
            }
            leftInChunk -= n;
            if (leftInChunk == 0) {
                chunkEnd();
            }
            return n;
        }

        /** Reads the next chunk's size line; false at the last chunk (its trailers read past). */
        private boolean nextChunk() throws IOException {
            if (ended) {
                return false;
            }
            String sizeLine = line(in, new int[] {SIZE_LINE_LIMIT}, BEFORE_LAST_CHUNK);
            int extension = sizeLine.indexOf(';');
            String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim();
            try {
                leftInChunk = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("not a chunk size: " + abbreviate(sizeLine));
            }
            if (leftInChunk < 0) {
                throw new IOException("not a chunk size: " + abbreviate(sizeLine));
            }
            if (leftInChunk == 0) {
                ended = true;
                int[] budget = {HEADER_LIMIT};
                while (!line(in, budget, BEFORE_LAST_CHUNK).isEmpty()) {
                    // a trailer field, not used
                }
                return false;
            }
            return true;
        }

        private void chunkEnd() throws IOException {
            if (!line(in, new int[] {2}, BEFORE_LAST_CHUNK).isEmpty()) {
                throw new IOException("a chunk of the body did not end where its size said");
            }
        }
    }
}
