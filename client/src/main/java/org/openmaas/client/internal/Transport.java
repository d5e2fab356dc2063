package org.openmaas.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.openmaas.client.AccessToken;
import org.openmaas.client.CancelledException;
import org.openmaas.client.DeadlineExceededException;
import org.openmaas.client.MaasException;
import org.openmaas.client.UnavailableException;

/**
 * Sends one call: attempts it, refreshes a refused access token once, retries 429 and 503 by the retry policy, and
 * hands back the first 2xx response with its body unread, so a stream is never retried once it has started.
 */
public final class Transport {

    /** Error bodies are a sentence; anything longer is cut here. */
    static final int MAX_ERROR_BODY = 64 * 1024;
    static final String USER_AGENT = "openmaas-java-client (Java " + System.getProperty("java.specification.version") + ")";

    private final HttpClient http;
    private final ClientConfig config;
    private final Watchdog watchdog;

    public Transport(ClientConfig config, Watchdog watchdog) {
        this.config = config;
        this.watchdog = watchdog;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    }

    /**
     * A 2xx response whose body reads under the read timeout.
     *
     * @param request the request without Authorization; copied for each attempt
     * @param tokens  supplies the bearer token; null for the token endpoint itself
     * @throws MaasException the failure of the last attempt
     */
    public Response send(HttpRequest.Builder request, TokenSource tokens) {
        request.timeout(config.readTimeout()).setHeader("User-Agent", USER_AGENT);
        long start = System.nanoTime();
        Duration waited = Duration.ZERO;
        boolean refreshed = false;
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder copy = request.copy();
            AccessToken token = null;
            if (tokens != null) {
                token = tokens.get();
                copy.setHeader("Authorization", token.authorization());
            }
            HttpRequest built = copy.build();
            HttpResponse<InputStream> response = sendOnce(built);
            String requestId = response.headers().firstValue("X-Request-ID").orElse(null);
            InputStream body = new TimedInputStream(response.body(), watchdog, config.readTimeout());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new Response(status, requestId, body);
            }
            Optional<Duration> retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After"),
                    config.clock().instant());
            MaasException failure = Errors.fromResponse(status, readError(body, requestId), requestId,
                    retryAfter.orElse(null));
            if (status == 401 && token != null && !refreshed) {
                // The token may have been revoked or the service's keys rotated: one fresh token, one more try.
                tokens.refused(token);
                refreshed = true;
                attempt--;
                continue;
            }
            if (status != 429 && status != 503) {
                throw failure;
            }
            Optional<Duration> delay = config.retry().delay(attempt, waited, retryAfter,
                    () -> ThreadLocalRandom.current().nextDouble());
            if (delay.isEmpty()) {
                throw failure;
            }
            sleep(delay.get(), built);
            waited = waited.plus(delay.get());
        }
    }

    /** The whole body of a response that is not a stream. */
    public byte[] readAll(Response response) {
        try (InputStream in = response.body()) {
            return in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw new DeadlineExceededException(e.getMessage(), response.status(), response.requestId(), null, e);
        } catch (IOException e) {
            throw new UnavailableException("the connection broke while reading the response: " + e, response.status(),
                    response.requestId(), null, e);
        }
    }

    private HttpResponse<InputStream> sendOnce(HttpRequest request) {
        String where = Urls.redacted(request.uri());
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new DeadlineExceededException("could not connect to " + Urls.authority(request.uri()) + " within "
                    + config.connectTimeout().toMillis() + " ms (the connect timeout)", 0, null, null, e);
        } catch (HttpTimeoutException e) {
            throw new DeadlineExceededException("no response from " + where + " within "
                    + config.readTimeout().toMillis() + " ms (the read timeout)", 0, null, null, e);
        } catch (ConnectException e) {
            throw new UnavailableException("cannot connect to " + Urls.authority(request.uri()) + ": "
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()), 0, null, null, e);
        } catch (IOException e) {
            throw new UnavailableException("the exchange with " + where + " failed: " + e, 0, null, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("interrupted while waiting for " + where, 0, null, null, e);
        }
    }

    private static byte[] readError(InputStream body, String requestId) {
        try (body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (out.size() < MAX_ERROR_BODY && (n = body.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0]; // the status alone still says what happened
        }
    }

    private static void sleep(Duration delay, HttpRequest request) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("interrupted while waiting to retry " + Urls.redacted(request.uri()),
                    0, null, null, e);
        }
    }

    /** A 2xx response: status, the service's request id and the body, read under the read timeout. */
    public record Response(int status, String requestId, InputStream body) {
    }
}
