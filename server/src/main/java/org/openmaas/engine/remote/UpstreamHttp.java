package org.openmaas.engine.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openmaas.engine.Sampling;
import org.openmaas.httpclient.FreshConnectionRetry;
import org.openmaas.httpclient.StreamingPost;

/**
 * The HTTP every protocol speaks to its endpoints: JSON requests with the upstream's bearer key, whole JSON answers for
 * the short calls (health, tokenization, tokens) and an open body for a stream, and the one mapping of a refusal to an
 * {@link UpstreamFailure}: 429 and 5xx are {@link UpstreamFailure.Busy}, any other non-2xx is
 * {@link UpstreamFailure.Rejected} with the upstream's own message, and no answer at all is
 * {@link UpstreamFailure.Unreachable}. A request on a pooled connection (a short call, or a stream over https) whose
 * connection closed without an answer is sent once more on a new connection before it counts as unreachable
 * ({@link FreshConnectionRetry}): an upstream that closed a kept-alive connection has not failed. A plain http stream
 * goes on a connection of its own ({@link StreamingPost}), so it never meets one.
 */
final class UpstreamHttp {

    /**
     * Parses every upstream event. Its doubles go through the fast parser, exact as the JDK's: llama-server's last
     * chunk of each stream carries its sampling settings as floats printed to 17 digits (0.949999988079071), which the
     * JDK's parser reads with big-integer arithmetic, and those allocations were a third of the gateway's under load.
     */
    static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    /** How long a short call may take: a health check or a tokenization that takes longer counts as unreachable. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /** How long a stream's connection may take when the client names no connect timeout. */
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How much of a refusal's body is read for its message: enough for any error object, bounded for a rogue one. */
    private static final int ERROR_BODY_LIMIT = 4096;

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Optional<String> apiKey;
    private final UpstreamTimeouts timeouts;

    /**
     * @param apiKey   the bearer key sent on every request, when the upstream asks for one
     * @param timeouts how long a stream may take to its first event, and then go silent
     */
    UpstreamHttp(HttpClient client, Optional<String> apiKey, UpstreamTimeouts timeouts) {
        this.client = Objects.requireNonNull(client, "client");
        this.connectTimeout = client.connectTimeout().orElse(DEFAULT_CONNECT_TIMEOUT);
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A request to {@code path} under {@code endpoint} (its own path kept as a prefix), carrying the key. */
    HttpRequest.Builder request(URI endpoint, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(endpoint, path));
        apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder;
    }

    /** A JSON POST of {@code body}. */
    HttpRequest.Builder post(URI endpoint, String path, JsonNode body) {
        return request(endpoint, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** A short call whose answer is one JSON value (or nothing, for a 2xx without a body: then a missing node). */
    JsonNode call(HttpRequest.Builder request) throws UpstreamException, InterruptedException {
        HttpRequest built = request.timeout(CALL_TIMEOUT).build();
        HttpResponse<byte[]> response;
        try {
            response = FreshConnectionRetry.send(client, built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UpstreamException(unreachable(built.uri(), e));
        }
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() / 100 != 2) {
            throw new UpstreamException(refusal(built.uri(), response.statusCode(), response.headers(), body));
        }
        if (body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UpstreamException(new UpstreamFailure.Broken(
                    hostOf(built.uri()) + " answered " + path(built.uri()) + " with something that is not JSON"));
        }
    }

    /**
     * One health check: a GET of {@code path} that must answer 2xx.
     *
     * @throws UpstreamException when the endpoint does not answer so
     */
    void probe(URI endpoint, String path) throws UpstreamException {
        try {
            call(request(endpoint, path).GET());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(new UpstreamFailure.Unreachable("the health check was interrupted"));
        }
    }

    /**
     * POSTs {@code body} as JSON to {@code path} under {@code endpoint} and hands back the open body of its 2xx answer,
     * for the caller to read and close. Over plain http it goes on a connection of its own and is read straight from
     * the socket ({@link StreamingPost}: a stream's many small events cost half the CPU they cost through the pooled
     * client); over https it keeps the pooled client, whose kept-alive connections spare a TLS handshake per stream. An
     * interrupt while it waits for the answer aborts the exchange, and so does the end of the first-token wait before
     * the headers came (an endpoint that accepts and says nothing counts as unreachable, so the attempt goes to another
     * endpoint). After them the body watches the rest of that wait, then the idle wait ({@link WatchedBody}).
     *
     * @param requestSent run once the request is on its way: over http once it is written, over https as it is handed
     *                    to the pooled client (which writes it on a thread of its own)
     */
    WatchedBody open(URI endpoint, String path, JsonNode body, Runnable requestSent)
            throws UpstreamException, InterruptedException {
        return open(endpoint, path, body, apiKey.map(key -> "Bearer " + key), requestSent);
    }

    /**
     * {@link #open(URI, String, JsonNode, Runnable)} with {@code authorization} as the Authorization header, if any.
     */
    WatchedBody open(URI endpoint, String path, JsonNode body, Optional<String> authorization, Runnable requestSent)
            throws UpstreamException, InterruptedException {
        URI uri = resolve(endpoint, path);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "text/event-stream, application/json");
        authorization.ifPresent(value -> headers.put("Authorization", value));
        long sentNanos = System.nanoTime();
        StreamingPost.Response response;
        try {
            response = "http".equalsIgnoreCase(uri.getScheme())
                    ? StreamingPost.send(uri, headers, bytes(body), connectTimeout, timeouts.firstToken(), requestSent)
                    : sendPooled(uri, headers, bytes(body), requestSent);
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for " + hostOf(uri));
            }
            if (e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
                throw new UpstreamException(new UpstreamFailure.Unreachable(hostOf(uri) + " sent nothing within "
                        + timeouts.firstToken().toMillis() + " ms of the request to " + path(uri)
                        + " (the first-token timeout)"));
            }
            throw new UpstreamException(unreachable(uri, e));
        }
        if (response.status() / 100 == 2) {
            return new WatchedBody(response.body(), timeouts, sentNanos);
        }
        String error;
        try (InputStream in = response.body()) {
            error = new String(in.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            error = "";
        }
        throw new UpstreamException(refusal(uri, response.status(), response.headers(), error));
    }

    /** The POST through the pooled client, its answer as {@link StreamingPost}'s. */
    private StreamingPost.Response sendPooled(URI uri, Map<String, String> headers, byte[] body,
                                              Runnable requestSent) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeouts.firstToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        requestSent.run();
        HttpResponse<InputStream> response = FreshConnectionRetry.send(client, request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        return new StreamingPost.Response(response.statusCode(), response.headers(), response.body());
    }

    /**
     * Puts OpenAI's {@code logit_bias} (token id as a string: bias), as OpenAI, vLLM and llama-server all take it, when
     * the request has some. A ban (-100) goes as it is: each of them adds it to the logit, so the token is in practice
     * never drawn.
     */
    static void putLogitBias(ObjectNode body, Sampling sampling) {
        if (!sampling.logitBias().isEmpty()) {
            ObjectNode biases = body.putObject("logit_bias");
            sampling.logitBias().forEach((token, bias) -> biases.put(Integer.toString(token), bias));
        }
    }

    static UpstreamFailure unreachable(URI uri, IOException e) {
        return new UpstreamFailure.Unreachable(hostOf(uri) + " did not answer " + path(uri) + ": " + describe(e));
    }

    /** A non-2xx answer as the failure it is, with the upstream's own message when its body carries one. */
    static UpstreamFailure refusal(URI uri, int status, HttpHeaders headers, String body) {
        String message = hostOf(uri) + " answered " + path(uri) + " with " + status + errorMessage(body)
                .map(m -> ": " + m).orElse("");
        if (status == 429 || status >= 500) {
            return new UpstreamFailure.Busy(status, retryAfter(headers), message);
        }
        return new UpstreamFailure.Rejected(status, message);
    }

    /**
     * The message of an error body in any of the shapes the upstreams use: {@code {"error": {"message": ...}}}
     * (OpenAI, vLLM's OpenAI server, llama-server), {@code {"message": ...}} (vLLM, grpc-gateway, so OpenMaaS) and
     * {@code {"error": "..."}} (TGI).
     */
    static Optional<String> errorMessage(String body) {
        JsonNode error;
        try {
            error = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (error == null) {
            return Optional.empty();
        }
        for (JsonNode candidate : new JsonNode[] {error.path("error").path("message"), error.path("message"),
                error.path("error")}) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return Optional.of(candidate.asText());
            }
        }
        return Optional.empty();
    }

    /** The wait a 429 or 503 asks for: {@code Retry-After} in seconds (its HTTP-date form is not honoured). */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
            } catch (NumberFormatException | DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    private static URI resolve(URI endpoint, String path) {
        String base = endpoint.toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }

    /** The endpoint as logs may show it: scheme, host and port only (never a user-info part or a query). */
    static String hostOf(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static String path(URI uri) {
        return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
