package org.openmaas.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face hub ({@code HF_ENDPOINT}, default https://huggingface.co, as the hub's own tools read it;
 * {@code HF_TOKEN} for gated repositories): lists a repository's files and downloads one.
 *
 * <p>A download goes to {@code <target>.part} and is renamed into place only once it has its announced length, the
 * hub's SHA-256 and the GGUF magic, so an interrupted or corrupted download never looks like a model. A transfer that
 * breaks off keeps its {@code .part}: the next attempt (in this call, or a later run) asks only for the rest with an
 * HTTP Range request.
 */
public final class HubClient {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /** Transfers of one call: a connection that breaks after some progress is resumed this often before giving up. */
    static final int ATTEMPTS = 3;

    private static final byte[] GGUF_MAGIC = {'G', 'G', 'U', 'F'};
    private static final Duration REPORT_EVERY = Duration.ofMillis(200);
    /**
     * A connection that delivers nothing for this long is given up and resumed: the JDK's client has no read timeout,
     * and a CDN connection that stalls would otherwise hold a pull forever.
     */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hub-stall-watchdog").factory());
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final Optional<String> token;
    private final HttpClient http;
    private final TransferListener listener;
    private final Duration stallTimeout;

    public HubClient(URI endpoint, Optional<String> token, TransferListener listener) {
        this(endpoint, token, listener, STALL_TIMEOUT);
    }

    /** @param stallTimeout how long a transfer may receive nothing before it counts as broken off (and is resumed) */
    HubClient(URI endpoint, Optional<String> token, TransferListener listener, Duration stallTimeout) {
        this.endpoint = endpoint;
        this.token = token.filter(t -> !t.isBlank());
        this.listener = listener;
        this.stallTimeout = stallTimeout;
        this.http = newClient();
    }

    // Redirects are followed by hand: the token goes to the hub, never to the CDN a file is served from.
    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public static HubClient fromEnvironment(Map<String, String> env, TransferListener listener) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT).replaceAll("/+$", "");
        return new HubClient(URI.create(endpoint), Optional.ofNullable(env.get("HF_TOKEN")), listener);
    }

    public URI fileUrl(String repository, String path) {
        return URI.create(endpoint + "/" + repository + "/resolve/main/" + path);
    }

    /**
     * Every file of {@code repository}'s main branch, with the sizes and LFS SHA-256s of the hub's tree API
     * ({@code GET /api/models/{repo}/tree/main?recursive=true}, whose pages are chained by a {@code Link: rel="next"}).
     *
     * @throws IOException when the hub cannot be reached or does not know the repository
     */
    public List<RepoFile> files(String repository) throws IOException {
        List<RepoFile> files = new ArrayList<>();
        URI page = URI.create(endpoint + "/api/models/" + repository + "/tree/main?recursive=true");
        while (page != null) {
            HttpResponse<InputStream> response = send(http, page, "GET", true, Optional.empty());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException(failure(page, response.statusCode(), "repository " + repository));
                }
                JsonNode entries = JSON.readTree(body);
                if (!entries.isArray()) {
                    throw new IOException(page + " answered " + entries.getNodeType() + ", not a list of files");
                }
                for (JsonNode entry : entries) {
                    if ("file".equals(entry.path("type").asText())) {
                        files.add(new RepoFile(entry.path("path").asText(), entry.path("size").asLong(),
                                sha256(entry.path("lfs").path("oid").asText())));
                    }
                }
            }
            page = response.headers().firstValue("Link").map(NEXT_LINK::matcher).filter(Matcher::find)
                    .map(m -> endpoint.resolve(m.group(1))).orElse(null);
        }
        return files;
    }

    /**
     * What a download achieved.
     *
     * @param sha256      the file's SHA-256
     * @param verified    whether the hub announced a SHA-256 this one was checked against
     * @param resumedFrom bytes an earlier, interrupted download had left, which were not fetched again
     */
    public record Download(Path file, long size, String sha256, boolean verified, long resumedFrom) {
    }

    /**
     * Downloads {@code path} of {@code repository} to {@code target}, resuming from {@code <target>.part} when an
     * earlier download of it broke off.
     *
     * @throws IOException when the hub cannot be reached or answers with an error, the transfer keeps breaking off (the
     *                     bytes received stay in the {@code .part} file for the next try), or the file fails its checks
     */
    public Download download(String repository, String path, Path target) throws IOException {
        return download(repository, new RepoFile(path, -1, Optional.empty()), target);
    }

    /**
     * As {@link #download(String, String, Path)}, checking the file also against the SHA-256 its listing gave when the
     * resolve route announces none.
     */
    public Download download(String repository, RepoFile file, Path target) throws IOException {
        String path = file.path();
        URI url = fileUrl(repository, path);
        Source source = source(url);
        if (source.sha256().isEmpty() && file.sha256().isPresent()) {
            source = new Source(url, source.url(), source.cdn(), source.size(), file.sha256());
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        long resumedFrom = Files.exists(partial) ? Files.size(partial) : 0;
        fetch(source, partial, path);
        String sha = sha256Of(partial);
        if (resumedFrom > 0 && source.sha256().isPresent() && !source.sha256().get().equals(sha)) {
            // The bytes kept from before may belong to an earlier version of the file: fetch it whole, once.
            Files.delete(partial);
            resumedFrom = 0;
            fetch(source, partial, path);
            sha = sha256Of(partial);
        }
        try {
            check(partial, source, sha, url);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Download(target, Files.size(target), sha, source.sha256().isPresent(), resumedFrom);
    }

    /**
     * Where a file's bytes come from and what the hub says of them before the download.
     *
     * @param named the hub's resolve URL, which messages show: a CDN URL carries a signature valid for hours
     * @param cdn   true when {@code url} is the CDN the hub redirected to, which must not see the token
     */
    private record Source(URI named, URI url, boolean cdn, long size, Optional<String> sha256) {
    }

    // The hub answers the resolve URL with a redirect to its CDN; the file's SHA-256 and size travel on that first
    // response as X-Linked-Etag and X-Linked-Size, which the CDN's own response lacks. huggingface_hub reads them so,
    // follows only relative redirects (a renamed repository) with the token, and fetches an absolute one without it.
    private Source source(URI url) throws IOException {
        URI current = url;
        for (int hop = 0; hop < 5; hop++) {
            HttpResponse<InputStream> head = send(http, current, "HEAD", true, Optional.empty());
            head.body().close();
            int status = head.statusCode();
            if (status >= 400) {
                throw new IOException(failure(current, status, "file"));
            }
            long size = head.headers().firstValueAsLong("X-Linked-Size")
                    .orElse(status < 300 ? head.headers().firstValueAsLong("Content-Length").orElse(-1) : -1);
            Optional<String> sha = head.headers().firstValue("X-Linked-Etag").or(() -> head.headers().firstValue("ETag"))
                    .flatMap(v -> sha256(v.replaceFirst("^W/", "").replace("\"", "")));
            if (status < 300) {
                return new Source(url, current, false, size, sha);
            }
            String location = head.headers().firstValue("Location")
                    .orElseThrow(() -> new IOException(url + " answered HTTP " + status + " without a Location"));
            URI next = current.resolve(location);
            if (URI.create(location).isAbsolute()) {
                return new Source(url, next, true, size, sha);
            }
            current = next;
        }
        throw new IOException(url + " redirects more than 5 times");
    }

    /** Brings {@code partial} to the whole file, resuming after breaks that made progress. */
    private void fetch(Source source, Path partial, String name) throws IOException {
        for (int attempt = 1; ; attempt++) {
            long before = Files.exists(partial) ? Files.size(partial) : 0;
            if (source.size() >= 0 && before > source.size()) {
                Files.delete(partial);
                before = 0;
            }
            try {
                transfer(source, partial, before, name);
                return;
            } catch (BrokenTransfer e) {
                long now = Files.exists(partial) ? Files.size(partial) : 0;
                if (attempt == ATTEMPTS || now <= before) {
                    throw new IOException("the download of " + source.named() + " broke off after " + now + " of "
                            + (source.size() >= 0 ? source.size() : "?") + " bytes (" + e.getMessage() + "); "
                            + partial.getFileName() + " keeps them and the next try resumes from there", e);
                }
            }
        }
    }

    /** A body that ended early or a connection that broke mid-transfer. */
    private static final class BrokenTransfer extends IOException {
        BrokenTransfer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void transfer(Source source, Path partial, long have, String name) throws IOException {
        if (source.size() >= 0 && have == source.size()) {
            listener.progress(new Transfer(name, have, source.size(), have, Duration.ZERO), true);
            return;
        }
        Optional<String> range = have > 0 ? Optional.of("bytes=" + have + "-") : Optional.empty();
        // A client of its own, which the stall watchdog may shut down to end a read that waits for nothing.
        HttpClient client = newClient();
        try {
            HttpResponse<InputStream> response = send(client, source.url(), "GET", !source.cdn(), range);
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status == 416 && have > 0) { // the bytes kept are not a prefix of the file the server has now
                    Files.delete(partial);
                    transfer(source, partial, 0, name);
                    return;
                }
                long offset = switch (status) {
                    case 200 -> 0; // a server that ignores Range sends the whole file
                    case 206 -> rangeStart(response, source.named());
                    default -> throw new IOException(failure(source.named(), status, "file"));
                };
                if (offset > have) {
                    throw new IOException(source.named() + " answered from byte " + offset + " when asked from " + have);
                }
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                long total = source.size() >= 0 ? source.size() : length >= 0 ? offset + length : -1;
                write(body, partial, offset, total, name, client);
            }
        } finally {
            client.shutdownNow();
        }
    }

    private static long rangeStart(HttpResponse<?> response, URI url) throws IOException {
        String header = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(header);
        if (!m.matches()) {
            throw new IOException(url + " answered 206 with Content-Range '" + header + "'");
        }
        return Long.parseLong(m.group(1));
    }

    private void write(InputStream body, Path partial, long offset, long total, String name, HttpClient client)
            throws IOException {
        long started = System.nanoTime();
        AtomicLong lastByte = new AtomicLong(started);
        AtomicBoolean stalled = new AtomicBoolean();
        long period = Math.max(10, Math.min(1000, stallTimeout.toMillis() / 4));
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastByte.get() > stallTimeout.toNanos() && !stalled.getAndSet(true)) {
                client.shutdownNow(); // the blocked read ends with an IOException
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long lastReport = 0;
        long done = offset;
        byte[] buffer = new byte[1 << 16];
        try (var channel = Files.newByteChannel(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(channel.truncate(offset).position(offset))) {
            int n;
            while ((n = read(body, buffer, stalled)) > 0) {
                out.write(buffer, 0, n);
                done += n;
                long now = System.nanoTime();
                lastByte.set(now);
                if (now - lastReport >= REPORT_EVERY.toNanos()) {
                    listener.progress(new Transfer(name, done, total, offset, Duration.ofNanos(now - started)), false);
                    lastReport = now;
                }
            }
        } finally {
            watchdog.cancel(false);
        }
        if (total >= 0 && done < total) {
            throw new BrokenTransfer("the connection ended early", null);
        }
        listener.progress(new Transfer(name, done, total, offset, Duration.ofNanos(System.nanoTime() - started)), true);
    }

    private int read(InputStream body, byte[] buffer, AtomicBoolean stalled) throws BrokenTransfer {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            String why = stalled.get() ? "nothing arrived for " + stallTimeout.toMillis() + " ms"
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new BrokenTransfer(why, e);
        }
    }

    private HttpResponse<InputStream> send(HttpClient client, URI url, String method, boolean withToken,
                                           Optional<String> range) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(stallTimeout)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (withToken) {
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        }
        range.ifPresent(r -> request.header("Range", r));
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("a request to " + url.getHost() + " was interrupted", e);
        }
    }

    /** {@code url answered HTTP 404 (the hub has no such repository)}, with what to do for a gated one. */
    private String failure(URI url, int status, String what) {
        String hint = switch (status) {
            case 401, 403 -> token.isPresent() ? " (HF_TOKEN is not allowed to read this " + what + ")"
                    : " (a gated or private " + what + " needs HF_TOKEN)";
            case 404 -> " (the hub has no such " + what + (token.isEmpty() ? ", or it is private and needs HF_TOKEN)" : ")");
            default -> "";
        };
        return url + " answered HTTP " + status + hint;
    }

    private static void check(Path partial, Source source, String sha, URI url) throws IOException {
        long size = Files.size(partial);
        if (source.size() >= 0 && size != source.size()) {
            throw new IOException(url + " gave " + size + " bytes but the hub announced " + source.size());
        }
        if (source.sha256().isPresent() && !source.sha256().get().equals(sha)) {
            throw new IOException(url + " has SHA-256 " + sha + " but the hub announced " + source.sha256().get());
        }
        try (InputStream in = Files.newInputStream(partial)) {
            if (!Arrays.equals(in.readNBytes(4), GGUF_MAGIC)) {
                throw new IOException(url + " is not a GGUF file");
            }
        }
    }

    private static Optional<String> sha256(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.matches("[0-9a-f]{64}") ? Optional.of(lower) : Optional.empty();
    }

    /** The SHA-256 of a file, hex. */
    public static String sha256Of(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
