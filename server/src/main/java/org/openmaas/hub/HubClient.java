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
    private final PrintStream progress;

    public HubClient(URI endpoint, Optional<String> token, PrintStream progress) {
        this.endpoint = endpoint;
        this.token = token;
        this.progress = progress;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
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
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + url + " was interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered HTTP " + response.statusCode());
            }
            long expectedLength = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Optional<String> expectedSha = sha256Of(response);
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            try {
                String sha = copy(body, partial, expectedLength, url);
                check(partial, expectedLength, expectedSha, sha, url);
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

    // The hub sends the LFS object's SHA-256 as X-Linked-ETag (or ETag): a quoted 64-digit hex string.
    private static Optional<String> sha256Of(HttpResponse<?> response) {
        return response.headers().firstValue("X-Linked-ETag").or(() -> response.headers().firstValue("ETag"))
                .map(v -> v.replaceFirst("^W/", "").replace("\"", "").toLowerCase())
                .filter(v -> v.matches("[0-9a-f]{64}"));
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
