package org.openmaas.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of a real server that a test can cut: after {@link #cutAfter} it forwards that many
 * more response bytes and then nothing, though the server goes on sending (as a network that stalls), until the server
 * closes the connection, which the proxy then closes too. So a test knows a stream is still going when it kills the
 * server, however fast the server generates. It also keeps what the clients sent, so a test sees which requests went.
 */
public final class CuttingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final URI target;
    /** Response bytes still to forward; negative: no cut. */
    private final AtomicLong allowance = new AtomicLong(-1);
    private volatile boolean cut;
    private final StringBuffer sent = new StringBuffer(); // request bytes as ISO-8859-1, all connections

    private CuttingProxy(ServerSocket listener, URI target) {
        this.listener = listener;
        this.target = target;
    }

    /** A proxy on a free loopback port forwarding to {@code target}'s host and port. */
    public static CuttingProxy to(URI target) {
        try {
            CuttingProxy proxy = new CuttingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
            Thread.ofVirtual().name("proxy-accept").start(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Forwards {@code bytes} more response bytes (across its connections), then holds the rest back. */
    public void cutAfter(long bytes) {
        cut = false;
        allowance.set(bytes);
    }

    /** Forwards everything again; what was held back stays lost. */
    public void uncut() {
        allowance.set(-1);
        cut = false;
    }

    /** Whether the allowance is spent and response bytes are being held back. */
    public boolean isCut() {
        return cut;
    }

    /** Everything the clients sent so far (request lines, headers, bodies), bytes as ISO-8859-1 characters. */
    public String sent() {
        return sent.toString();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getHost(), target.getPort());
                Thread.ofVirtual().start(() -> pump(client, server, false));
                Thread.ofVirtual().start(() -> pump(server, client, true));
            } catch (IOException e) {
                // closed, or the target refused: the client's connection is dropped
            }
        }
    }

    private void pump(Socket from, Socket to, boolean response) {
        byte[] buffer = new byte[8192];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (!response) {
                    sent.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                int forward = response ? allowed(n) : n;
                if (forward > 0) {
                    out.write(buffer, 0, forward);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side went away: both are closed
        }
    }

    private int allowed(int n) {
        long left = allowance.getAndUpdate(a -> a < 0 ? a : Math.max(0, a - n));
        if (left < 0) {
            return n;
        }
        if (left < n) {
            cut = true;
        }
        return (int) Math.min(left, n);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
