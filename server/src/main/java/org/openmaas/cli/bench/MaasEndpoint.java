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
import org.openmaas.client.MaasClient;
import org.openmaas.client.MaasException;
import org.openmaas.client.Model;
import org.openmaas.httpclient.FreshConnectionRetry;

/**
 * A MaaS endpoint as the guide's clients see it: the SDK's client for the access token and the catalog, and
 * {@code generatestream} through the JDK's HttpClient, read line by line as the lines arrive so that each is timed.
 * Any server speaking the wire contract will do. For a soak, the other requests a server sees all day too: a whole
 * result ({@code generate}), an OpenAI completion on the same server's {@code /v1/completions}, a catalog read.
 */
final class MaasEndpoint implements Endpoint {

    static final String NAME = "MaaS API";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final MaasClient client;
    private final Model product;

    /** Bound to the catalog's product named {@code productName}, or to its first product when that is null. */
    MaasEndpoint(MaasClient client, String productName) {
        this.client = client;
        this.product = product(productName);
    }

    @Override
    public URI api() {
        return client.baseUrl();
    }

    @Override
    public String apiName() {
        return NAME;
    }

    @Override
    public String target() {
        return product.productName();
    }

    private Model product(String productName) {
        List<Model> models = client.models();
        for (Model model : models) {
            if (productName == null || productName.equals(model.productName())) {
                return model;
            }
        }
        throw new IllegalArgumentException(models.isEmpty() ? "the catalog at " + api() + " lists no product"
                : "no product " + productName + " in the catalog at " + api() + "; it has "
                + String.join(", ", models.stream().map(Model::productName).toList()));
    }

    @Override
    public Timing send(Kind kind, String prompt, int maxNewTokens) throws IOException, InterruptedException {
        String authorization;
        try {
            authorization = client.accessToken().authorization();
        } catch (MaasException e) {
            return new Timing(List.of(), 0, 0, "no access token: " + e.getMessage());
        }
        return switch (kind) {
            case STREAM -> stream(authorization, maasBody(prompt, maxNewTokens));
            case WHOLE -> whole(URI.create(api() + "/generate"), authorization,
                    maasBody(prompt, maxNewTokens));
            case COMPLETION -> whole(api().resolve("/v1/completions"), authorization, JSON.createObjectNode()
                    .put("model", product.productName()).put("prompt", prompt).put("max_tokens", maxNewTokens));
            case CATALOG -> whole(URI.create(api() + "/models"), authorization, null);
        };
    }

    /** Streams one generation, timing every line. */
    private Timing stream(String authorization, ObjectNode body) throws IOException, InterruptedException {
        HttpRequest post = post(URI.create(api() + "/generatestream"), authorization, body);
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = FreshConnectionRetry.send(http, post,
                HttpResponse.BodyHandlers.ofLines());
        List<Long> tokenNanos = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return new Timing(tokenNanos, System.nanoTime() - start, 0,
                        "HTTP " + response.statusCode() + ": " + String.join(" ", lines.toList()));
            }
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                long now = System.nanoTime() - start;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode json = JSON.readTree(line);
                if (json.has("error")) {
                    return new Timing(tokenNanos, now, tokenNanos.size(), json.path("error").path("message").asText());
                }
                JsonNode answer = json.path("result").path("response");
                tokenNanos.add(now);
                if (answer.has("details")) {
                    return Endpoint.drained(it,
                            new Timing(tokenNanos, now, answer.path("details").path("generated_tokens").asInt(), null));
                }
            }
        }
        return new Timing(tokenNanos, System.nanoTime() - start, tokenNanos.size(), "the stream ended without details");
    }

    /** A request answered in one piece: a POST of {@code body}, or a GET when it is null. */
    private Timing whole(URI uri, String authorization, ObjectNode body) throws IOException, InterruptedException {
        HttpRequest request = body == null
                ? HttpRequest.newBuilder(uri).header("Authorization", authorization).timeout(TIMEOUT).build()
                : post(uri, authorization, body);
        long start = System.nanoTime();
        HttpResponse<String> response = FreshConnectionRetry.send(http, request,
                HttpResponse.BodyHandlers.ofString());
        long end = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            return new Timing(List.of(), end, 0, "HTTP " + response.statusCode() + " from " + uri.getPath() + ": "
                    + response.body());
        }
        // A MaaS result counts generated_tokens in its details, an OpenAI one completion_tokens in its usage.
        JsonNode json = JSON.readTree(response.body());
        JsonNode tokens = json.findValue("generated_tokens");
        tokens = tokens == null ? json.findValue("completion_tokens") : tokens;
        return new Timing(List.of(), end, tokens == null ? 0 : tokens.asInt(), null);
    }

    private ObjectNode maasBody(String prompt, int maxNewTokens) {
        ObjectNode body = JSON.createObjectNode()
                .put("model", product.modelName())
                .put("productName", product.productName())
                .put("productId", product.productId())
                .put("cloudAccountId", client.cloudAccount());
        ObjectNode request = body.putObject("request").put("prompt", prompt);
        request.putObject("params").put("max_new_tokens", maxNewTokens);
        return body;
    }

    private static HttpRequest post(URI uri, String authorization, ObjectNode body) {
        return HttpRequest.newBuilder(uri)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }
}
