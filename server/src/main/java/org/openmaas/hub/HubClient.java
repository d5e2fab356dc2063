package org.openmaas.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Downloads files from a Hugging Face hub ({@code HF_ENDPOINT}, default https://huggingface.co, as the hub's own
 * tools read it; {@code HF_TOKEN} for gated repositories). A download goes to a temporary file, is checked (length,
 * the hub's SHA-256 when it sends one, the GGUF magic) and only then renamed into place, so an interrupted or
 * corrupted download never looks like a model.
 */
public final class HubClient {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final byte[] GGUF_MAGIC = {'G', 'G', 'U', 'F'};

    private final URI endpoint;
    private final Optional<String> token;
    private final HttpClient http;
    private final HttpClient metadataHttp;
    private final PrintStream progress;

    public HubClient(URI endpoint, Optional<String> token, PrintStream progress) {
        this.endpoint = endpoint;
        this.token = token;
        this.progress = progress;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.metadataHttp = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public static HubClient fromEnvironment(Map<String, String> env, PrintStream progress) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT).replaceAll("/+$", "");
        return new HubClient(URI.create(endpoint), Optional.ofNullable(env.get("HF_TOKEN")), progress);
    }

    public URI fileUrl(String repository, String path) {
        return URI.create(endpoint + "/" + repository + "/resolve/main/" + path);
    }

    /**
     * Downloads {@code path} of {@code repository} to {@code target}.
     *
     * @throws IOException when the hub cannot be reached or answers with an error, or the file fails its checks
     */
    public void download(String repository, String path, Path target) throws IOException {
        URI url = fileUrl(repository, path);
        Metadata metadata = metadata(url);
        HttpResponse<InputStream> response = send(http, url, "GET");
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered HTTP " + response.statusCode());
            }
            long expectedLength = metadata.size() >= 0 ? metadata.size()
                    : response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            try {
                String sha = copy(body, partial, expectedLength, url);
                check(partial, expectedLength, metadata.sha256(), sha, url);
                try {
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    /** What the hub says of a file before the download: its size and SHA-256 (for files stored in LFS). */
    private record Metadata(long size, Optional<String> sha256) {
    }

    // The hub answers the resolve URL with a redirect to its CDN; the file's SHA-256 and size travel on that first
    // response as X-Linked-Etag and X-Linked-Size, which the CDN's own response lacks (huggingface_hub reads them so).
    private Metadata metadata(URI url) throws IOException {
        HttpResponse<InputStream> head = send(metadataHttp, url, "HEAD");
        head.body().close();
        int status = head.statusCode();
        if (status >= 400) {
            throw new IOException(url + " answered HTTP " + status
                    + (status == 401 || status == 403 ? " (a gated repository needs HF_TOKEN)" : ""));
        }
        long size = head.headers().firstValueAsLong("X-Linked-Size").orElse(-1);
        Optional<String> sha = head.headers().firstValue("X-Linked-Etag").or(() -> head.headers().firstValue("ETag"))
                .map(v -> v.replaceFirst("^W/", "").replace("\"", "").toLowerCase())
                .filter(v -> v.matches("[0-9a-f]{64}"));
        return new Metadata(size, sha);
    }

    private HttpResponse<InputStream> send(HttpClient client, URI url, String method) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("request to " + url + " was interrupted", e);
        }
    }

    private String copy(InputStream body, Path partial, long expectedLength, URI url) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[1 << 16];
        long done = 0;
        int lastPercent = -1;
        long lastReport = 0;
        try (OutputStream out = Files.newOutputStream(partial)) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                sha.update(buffer, 0, n);
                done += n;
                int percent = expectedLength > 0 ? (int) (done * 100 / expectedLength) : -1;
                if (percent != lastPercent && (percent == 100 || done - lastReport >= (1 << 20) || lastReport == 0)) {
                    progress.printf("\rdownloading %s: %s", url, percent >= 0 ? percent + "% of " + mib(expectedLength)
                            : mib(done));
                    lastPercent = percent;
                    lastReport = done;
                }
            }
        }
        progress.println();
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void check(Path partial, long expectedLength, Optional<String> expectedSha, String sha, URI url)
            throws IOException {
        long size = Files.size(partial);
        if (expectedLength >= 0 && size != expectedLength) {
            throw new IOException(url + " ended after " + size + " of " + expectedLength + " bytes");
        }
        if (expectedSha.isPresent() && !expectedSha.get().equals(sha)) {
            throw new IOException(url + " has SHA-256 " + sha + " but the hub announced " + expectedSha.get());
        }
        try (InputStream in = Files.newInputStream(partial)) {
            if (!java.util.Arrays.equals(in.readNBytes(4), GGUF_MAGIC)) {
                throw new IOException(url + " is not a GGUF file");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
