package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A MaaS endpoint as the guide's clients see it, with nothing but the JDK's HttpClient: an OAuth2 client-credentials
 * token, the catalog, and {@code generatestream} read line by line as the lines arrive. Any server speaking the wire
 * contract will do.
 */
final class MaasEndpoint {

    /** One product of the catalog: the three names a request must carry. */
    record Product(String modelName, String productName, String productId) {
    }

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
    private final URI api;       // e.g. http://localhost:8080/v1/maas
    private final URI tokenUrl;  // e.g. http://localhost:8080/oauth2/token
    private final String basicCredentials;
    private final String cloudAccount;
    private volatile String token;
    private volatile long tokenExpiresNanos;

    MaasEndpoint(URI api, URI tokenUrl, String clientId, String clientSecret, String cloudAccount) {
        this.api = api;
        this.tokenUrl = tokenUrl;
        this.basicCredentials = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        this.cloudAccount = cloudAccount;
    }

    /** The API base from a URL given with or without {@code /v1/maas}. */
    static URI apiBase(String url) {
        String trimmed = url.replaceAll("/+$", "");
        return URI.create(trimmed.endsWith("/v1/maas") ? trimmed : trimmed + "/v1/maas");
    }

    /** The token URL of a server whose API base is {@code api}: {@code /oauth2/token} at its root. */
    static URI defaultTokenUrl(URI api) {
        return api.resolve("/oauth2/token");
    }

    /** The catalog's product named {@code productName}, or its first product when that is null. */
    Product product(String productName) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + "/models"))
                .header("Authorization", "Bearer " + token()).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalArgumentException("GET " + api + "/models answered " + response.statusCode() + ": "
                    + response.body());
        }
        List<String> names = new ArrayList<>();
        for (JsonNode model : JSON.readTree(response.body()).path("models")) {
            names.add(model.path("product_name").asText());
            if (productName == null || productName.equals(model.path("product_name").asText())) {
                return new Product(model.path("model_name").asText(), model.path("product_name").asText(),
                        model.path("product_id").asText());
            }
        }
        throw new IllegalArgumentException(names.isEmpty() ? "the catalog at " + api + " lists no product"
                : "no product " + productName + " in the catalog at " + api + "; it has " + String.join(", ", names));
    }

    /** Streams one generation, timing every line; a failed request is reported, not thrown. */
    Timing generate(Product product, String prompt, int maxNewTokens) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode()
                .put("model", product.modelName())
                .put("productName", product.productName())
                .put("productId", product.productId())
                .put("cloudAccountId", cloudAccount);
        ObjectNode request = body.putObject("request").put("prompt", prompt);
        request.putObject("params").put("max_new_tokens", maxNewTokens);
        HttpRequest post = HttpRequest.newBuilder(URI.create(api + "/generatestream"))
                .header("Authorization", "Bearer " + token())
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

    /** A valid access token, fetched again a minute before the last one expires. */
    private String token() throws IOException, InterruptedException {
        if (token != null && System.nanoTime() < tokenExpiresNanos) {
            return token;
        }
        synchronized (this) {
            if (token != null && System.nanoTime() < tokenExpiresNanos) {
                return token;
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenUrl)
                    .header("Authorization", basicCredentials)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type="
                            + URLEncoder.encode("client_credentials", StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException("the token endpoint " + tokenUrl + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            JsonNode json = JSON.readTree(response.body());
            long lifetime = Math.max(60, json.path("expires_in").asLong(3600));
            tokenExpiresNanos = System.nanoTime() + Duration.ofSeconds(lifetime - 60).toNanos();
            token = json.path("access_token").asText();
            return token;
        }
    }
}
