package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.openmaas.httpclient.FreshConnectionRetry;

/**
 * Any OpenAI-compatible server — llama.cpp's {@code llama-server}, vLLM, OpenMaaS's own OpenAI routes — loaded with
 * streamed {@code POST /v1/completions}, greedy ({@code temperature: 0}) and with {@code stream_options.include_usage}.
 *
 * <p>How tokens are counted: a token arrives with every chunk whose choice carries text (these servers send one chunk
 * per token; one that held back the first bytes of a character sends them with the next token's, so a chunk may carry
 * two); the closing chunk with only a finish reason carries none. The request's generated tokens are the stream's
 * {@code usage.completion_tokens}, as the server counted them; a stream without usage is a failed request, not a
 * guess.
 */
final class OpenAiEndpoint implements Endpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String DATA = "data:";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI api;
    private final String authorization;
    private final String model;

    /**
     * @param api    the API base, e.g. {@code http://localhost:8081/v1}
     * @param apiKey the bearer key, or null for a server that asks for none
     * @param model  the model to ask for, or null for the first that {@code GET /v1/models} lists
     */
    OpenAiEndpoint(URI api, String apiKey, String model) throws IOException, InterruptedException {
        this.api = api;
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.model = model != null ? model : firstModel();
    }

    /** The OpenAI API of a server: {@code URL} itself when it ends in {@code /v1}, else its {@code /v1}. */
    static URI apiBase(String url) {
        String trimmed = url.replaceAll("/+$", "");
        return URI.create(trimmed.endsWith("/v1") ? trimmed : trimmed + "/v1");
    }

    @Override
    public URI api() {
        return api;
    }

    @Override
    public String apiName() {
        return "OpenAI API";
    }

    @Override
    public String target() {
        return model;
    }

    @Override
    public Timing send(Kind kind, String prompt, int maxNewTokens) throws IOException, InterruptedException {
        if (kind != Kind.STREAM) {
            // ServeBenchCommand refuses --mixed with --api openai before any request is sent.
            throw new IllegalStateException("the OpenAI load sends only streams, not " + kind);
        }
        ObjectNode body = JSON.createObjectNode().put("model", model).put("prompt", prompt)
                .put("max_tokens", maxNewTokens).put("temperature", 0).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        HttpRequest post = request(api + "/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = FreshConnectionRetry.send(http, post,
                HttpResponse.BodyHandlers.ofLines());
        List<Long> tokenNanos = new ArrayList<>();
        JsonNode usage = null;
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return new Timing(tokenNanos, System.nanoTime() - start, 0,
                        "HTTP " + response.statusCode() + ": " + String.join(" ", lines.toList()));
            }
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                long now = System.nanoTime() - start;
                if (!line.startsWith(DATA)) {
                    continue; // blank separators, comments (keep-alives), event names
                }
                String data = line.substring(DATA.length()).strip();
                if (data.equals("[DONE]")) {
                    return Endpoint.drained(it, usage == null
                            ? new Timing(tokenNanos, now, 0, "the stream carried no usage (stream_options"
                                    + ".include_usage was asked for), so its tokens cannot be counted")
                            : new Timing(tokenNanos, now, usage.path("completion_tokens").asInt(), null));
                }
                JsonNode chunk = JSON.readTree(data);
                if (chunk.has("error")) {
                    return new Timing(tokenNanos, now, 0, chunk.path("error").path("message").asText());
                }
                if (!chunk.path("choices").path(0).path("text").asText().isEmpty()) {
                    tokenNanos.add(now);
                }
                if (chunk.path("usage").isObject()) {
                    usage = chunk.path("usage");
                }
            }
        }
        return new Timing(tokenNanos, System.nanoTime() - start, 0, "the stream ended without data: [DONE]");
    }

    private String firstModel() throws IOException, InterruptedException {
        HttpResponse<String> response = FreshConnectionRetry.send(http, request(api + "/models").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalArgumentException("GET " + api + "/models answered HTTP " + response.statusCode() + ": "
                    + response.body() + (response.statusCode() == 401 ? " (give the server's key: --api-key or"
                    + " OPENAI_API_KEY)" : ""));
        }
        JsonNode first = JSON.readTree(response.body()).path("data").path(0).path("id");
        if (!first.isTextual()) {
            throw new IllegalArgumentException("GET " + api + "/models lists no model; name one with --model");
        }
        return first.asText();
    }

    private HttpRequest.Builder request(String uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT);
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }
}
