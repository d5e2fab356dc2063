package org.openmaas.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the Hugging Face hub, speaking the routes its documentation and clients describe:
 * <ul>
 * <li>{@code GET|HEAD /{repo}/resolve/main/{path}} answers 302 with an absolute {@code Location} on its CDN, carrying
 *     the file's SHA-256 in {@code X-Linked-Etag} and its size in {@code X-Linked-Size} (huggingface_hub's
 *     {@code file_download.py} reads them so);</li>
 * <li>the CDN serves the bytes, and a {@code Range: bytes=N-} request the rest from byte N as a 206 with
 *     {@code Content-Range} (RFC 9110 §14);</li>
 * <li>{@code GET /api/models/{repo}/tree/main?recursive=true} lists the files as huggingface.js's {@code ListFileEntry}
 *     documents them ({@code type}, {@code oid}, {@code size}, {@code path}, and {@code lfs: {oid, size,
 *     pointerSize}} for a file in LFS, whose {@code oid} is its SHA-256), in pages chained by
 *     {@code Link: <...>; rel="next"}.</li>
 * </ul>
 * It can also break transfers off, as a dropped connection does, or stall them, as a connection that hangs does.
 */
public final class LoopbackHub implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private static final Pattern TREE = Pattern.compile("/api/models/([^/]+/[^/]+)/tree/main");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> announcedSha = new ConcurrentHashMap<>();
    private final AtomicInteger downloads = new AtomicInteger();
    private final AtomicInteger transfersToBreak = new AtomicInteger();
    private final List<String> cdnRequests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile int breakAfterBytes;
    private volatile boolean stallInsteadOfBreaking;
    private volatile int pageSize = 1000;

    public LoopbackHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (path.startsWith("/cdn/")) {
                    cdn(exchange, path.substring("/cdn/".length()));
                } else if (TREE.matcher(path).matches()) {
                    tree(exchange, TREE.matcher(path).replaceFirst("$1"));
                } else {
                    resolve(exchange, path.replaceFirst("^/", "").replace("/resolve/main/", "/"));
                }
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a stalled transfer must not hold up others
        server.start();
    }

    private void resolve(HttpExchange exchange, String key) throws IOException {
        byte[] body = files.get(key);
        if (body == null) {
            exchange.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.getResponseHeaders().add("Location", endpoint() + "/cdn/" + key);
        exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + announcedSha.get(key) + "\"");
        exchange.getResponseHeaders().add("X-Linked-Size", Integer.toString(body.length));
        exchange.sendResponseHeaders(302, -1);
    }

    private void cdn(HttpExchange exchange, String key) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        cdnRequests.add((range == null ? "whole" : range) + (authorization == null ? "" : " with Authorization"));
        byte[] body = files.get(key);
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        int from = 0;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (!m.matches() || Long.parseLong(m.group(1)) >= body.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            from = Integer.parseInt(m.group(1));
            exchange.getResponseHeaders().add("Content-Range",
                    "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        downloads.incrementAndGet();
        exchange.sendResponseHeaders(range == null ? 200 : 206, body.length - from);
        OutputStream out = exchange.getResponseBody();
        if (transfersToBreak.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            out.write(body, from, Math.min(breakAfterBytes, body.length - from));
            out.flush();
            if (stallInsteadOfBreaking) {
                awaitClosing();
            }
            // A handler that fails makes the server close the connection: the client sees the body end early.
            throw new IOException("transfer broken off on purpose after " + breakAfterBytes + " bytes");
        }
        out.write(body, from, body.length - from);
        out.close();
    }

    private void tree(HttpExchange exchange, String repository) throws IOException {
        TreeMap<String, Map<String, Object>> entries = new TreeMap<>();
        files.forEach((key, body) -> {
            if (!key.startsWith(repository + "/")) {
                return;
            }
            String path = key.substring(repository.length() + 1);
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                entries.put(path.substring(0, slash), Map.of("type", "directory", "oid", sha1(path.substring(0, slash)),
                        "size", 0, "path", path.substring(0, slash)));
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "file");
            entry.put("oid", sha1(path));
            entry.put("size", body.length);
            entry.put("path", path);
            if (path.endsWith(".gguf")) {
                entry.put("lfs", Map.of("oid", announcedSha.get(key), "size", body.length, "pointerSize", 134));
            }
            entries.put(path, entry);
        });
        if (entries.isEmpty()) {
            exchange.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        int cursor = query != null && query.contains("cursor=") ? Integer.parseInt(query.replaceFirst(".*cursor=", "")) : 0;
        List<Map<String, Object>> all = new ArrayList<>(entries.values());
        List<Map<String, Object>> page = all.subList(cursor, Math.min(all.size(), cursor + pageSize));
        if (cursor + pageSize < all.size()) {
            exchange.getResponseHeaders().add("Link", "<" + endpoint() + "/api/models/" + repository
                    + "/tree/main?recursive=true&cursor=" + (cursor + pageSize) + ">; rel=\"next\"");
        }
        byte[] json = JSON.writeValueAsBytes(page);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
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

    /** The next {@code transfers} CDN responses stop after {@code bytes} bytes of their body, the connection closed. */
    public void breakTransfers(int transfers, int bytes) {
        stallInsteadOfBreaking = false;
        breakAfterBytes = bytes;
        transfersToBreak.set(transfers);
    }

    /** The next {@code transfers} CDN responses send {@code bytes} bytes of their body, then nothing, connection open. */
    public void stallTransfers(int transfers, int bytes) {
        stallInsteadOfBreaking = true;
        breakAfterBytes = bytes;
        transfersToBreak.set(transfers);
    }

    private void awaitClosing() {
        try {
            closing.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Entries per page of the tree API. */
    public void pageSize(int entries) {
        pageSize = entries;
    }

    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** CDN responses that started sending a file. */
    public int downloads() {
        return downloads.get();
    }

    /** Each CDN request in order: its Range header or "whole", and " with Authorization" when the token came along. */
    public List<String> cdnRequests() {
        return List.copyOf(cdnRequests);
    }

    public static String sha256(byte[] content) {
        return digest("SHA-256", content);
    }

    private static String sha1(String text) {
        return digest("SHA-1", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String digest(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
