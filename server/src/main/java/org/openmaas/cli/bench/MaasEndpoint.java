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

/**
 * A MaaS endpoint as the guide's clients see it: the SDK's client for the access token and the catalog, and
 * {@code generatestream} through the JDK's HttpClient, read line by line as the lines arrive so that each is timed.
 * Any server speaking the wire contract will do.
 */
final class MaasEndpoint {

    /**
     * What one streamed generation took; times in nanoseconds from when the request was sent.
     *
     * @param tokenNanos when each token line arrived (the final line carries the last token)
     * @param error      null, or what went wrong (an HTTP status with its body, or the stream's error line)
     */
    record Timing(List<Long> tokenNanos, long endNanos, int generatedTokens, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final MaasClient client;

    MaasEndpoint(MaasClient client) {
        this.client = client;
    }

    /** The API base, e.g. {@code http://localhost:8080/v1/maas}. */
    URI api() {
        return client.baseUrl();
    }

    /** The catalog's product named {@code productName}, or its first product when that is null. */
    Model product(String productName) {
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

    /** Streams one generation, timing every line; a failed request is reported, not thrown. */
    Timing generate(Model product, String prompt, int maxNewTokens) throws IOException, InterruptedException {
        String authorization;
        try {
            authorization = client.accessToken().authorization();
        } catch (MaasException e) {
            return new Timing(List.of(), 0, 0, "no access token: " + e.getMessage());
        }
        ObjectNode body = JSON.createObjectNode()
                .put("model", product.modelName())
                .put("productName", product.productName())
                .put("productId", product.productId())
                .put("cloudAccountId", client.cloudAccount());
        ObjectNode request = body.putObject("request").put("prompt", prompt);
        request.putObject("params").put("max_new_tokens", maxNewTokens);
        HttpRequest post = HttpRequest.newBuilder(URI.create(api() + "/generatestream"))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = http.send(post, HttpResponse.BodyHandlers.ofLines());
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
                    return new Timing(tokenNanos, now, answer.path("details").path("generated_tokens").asInt(), null);
                }
            }
        }
        return new Timing(tokenNanos, System.nanoTime() - start, tokenNanos.size(), "the stream ended without details");
    }
}
