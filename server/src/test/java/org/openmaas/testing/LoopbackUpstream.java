package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the loopback stand-ins for engines that cannot run here (vLLM, TGI) share: a server on a loopback port that
 * records each request's JSON body by path, and the ways a test makes a stream misbehave (a refusal, a cut, a pace).
 * Subclasses speak their protocol over {@link ToyModel}.
 */
public abstract class LoopbackUpstream implements AutoCloseable {

    /** A refusal the next generation request gets instead of a stream. */
    public record Refusal(int status, String body, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final Map<String, List<JsonNode>> requests = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicReference<Refusal> refusal = new AtomicReference<>();
    private final AtomicInteger cutAfter = new AtomicInteger(-1);
    private final AtomicReference<String> cutEvent = new AtomicReference<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private volatile Duration pace = Duration.ZERO;
    private volatile int eosAt;

    protected LoopbackUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                authorizations.add(path + " " + exchange.getRequestHeaders().getFirst("Authorization"));
                JsonNode body = null;
                if (exchange.getRequestMethod().equals("POST")) {
                    body = TestServer.json(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                    requests.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(body);
                }
                handle(exchange, path, body);
            } catch (IOException e) {
                // the client hung up
            }
        });
        server.start();
    }

    /** Answers one request; {@code body} is null for a GET. */
    protected abstract void handle(HttpExchange exchange, String path, JsonNode body) throws IOException;

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The JSON bodies posted to {@code path}, oldest first. */
    public List<JsonNode> requests(String path) {
        return List.copyOf(requests.getOrDefault(path, List.of()));
    }

    public JsonNode lastRequest(String path) {
        return requests(path).getLast();
    }

    /** Each request's path and Authorization header ("null" when it had none), oldest first. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** The next generation request is answered with {@code status} and {@code body} instead. */
    public void refuseNext(int status, String body, Map<String, String> headers) {
        refusal.set(new Refusal(status, body, headers));
    }

    /** The next stream ends after {@code tokens} tokens without its last event, as when the engine dies. */
    public void cutNextAfter(int tokens) {
        cutAfter.set(tokens);
    }

    /** The next stream ends after {@code tokens} tokens with {@code event}, the protocol's error event. */
    public void failNextAfter(int tokens, String event) {
        cutEvent.set(event);
        cutAfter.set(tokens);
    }

    /** A wait before every token, so a test can act while a stream runs. */
    public void pace(Duration pace) {
        this.pace = pace;
    }

    /** The generation ends with EOS once the context holds this many tokens (0: never). */
    public void eosAt(int contextTokens) {
        this.eosAt = contextTokens;
    }

    protected int eosAt() {
        return eosAt;
    }

    /** Streams being written now: a stream whose client hung up ends at its next token. */
    public int openStreams() {
        return openStreams.get();
    }

    /** Answers with the refusal a test set, if any; true when it did. */
    protected boolean refused(HttpExchange exchange) throws IOException {
        Refusal next = refusal.getAndSet(null);
        if (next == null) {
            return false;
        }
        next.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        send(exchange, next.status(), next.body());
        return true;
    }

    protected static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** A server-sent event stream: {@code data: <json>} events, each flushed at once. */
    protected final class EventWriter implements AutoCloseable {
        private final OutputStream out;
        private final int cut;
        private final String failure;
        private int tokens;

        protected EventWriter(HttpExchange exchange) throws IOException {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            this.out = exchange.getResponseBody();
            this.cut = cutAfter.getAndSet(-1);
            this.failure = cutEvent.getAndSet(null);
            openStreams.incrementAndGet();
        }

        /**
         * Writes the event of one token after the pace; false when the stream must end here (a cut the test asked
         * for, which ends the body without its last event, or with the error event it gave).
         */
        protected boolean token(String json) throws IOException {
            if (tokens == cut) {
                if (failure != null) {
                    data(failure);
                }
                return false;
            }
            try {
                Thread.sleep(pace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            tokens++;
            data(json);
            return true;
        }

        protected void data(String payload) throws IOException {
            out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            openStreams.decrementAndGet();
            out.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
