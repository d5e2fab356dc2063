package org.openmaas.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for the Hugging Face hub, speaking its download protocol as its documentation and client
 * describe it: {@code GET|HEAD /{repo}/resolve/{revision}/{path}} answers 302 to a CDN URL, carrying the file's
 * SHA-256 in {@code X-Linked-Etag} and its size in {@code X-Linked-Size}; the CDN URL serves the bytes.
 */
public final class LoopbackHub implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> announcedSha = new ConcurrentHashMap<>();
    private final AtomicInteger downloads = new AtomicInteger();

    public LoopbackHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try (exchange) {
                if (path.startsWith("/cdn/")) {
                    byte[] body = files.get(path.substring("/cdn/".length()));
                    if (body == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    downloads.incrementAndGet();
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                    return;
                }
                String key = path.replaceFirst("^/", "").replace("/resolve/main/", "/");
                byte[] body = files.get(key);
                if (body == null) {
                    exchange.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().add("Location", "/cdn/" + key);
                exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + announcedSha.get(key) + "\"");
                exchange.getResponseHeaders().add("X-Linked-Size", Integer.toString(body.length));
                exchange.sendResponseHeaders(302, -1);
            }
        });
        server.start();
    }

    /** Serves {@code content} as {@code repository/path}, announcing its true SHA-256. */
    public void put(String repository, String path, byte[] content) {
        put(repository, path, content, sha256(content));
    }

    /** Serves {@code content} but announces {@code sha256}: a corrupted transfer. */
    public void put(String repository, String path, byte[] content, String sha256) {
        files.put(repository + "/" + path, content);
        announcedSha.put(repository + "/" + path, sha256);
    }

    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    public int downloads() {
        return downloads.get();
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
