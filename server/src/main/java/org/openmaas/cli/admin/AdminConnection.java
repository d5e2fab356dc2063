package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.openmaas.client.MaasClient;
import org.openmaas.client.MaasException;

/**
 * The admin API of one server ({@code /v1/admin/...} on its root), called with the access token of the SDK's client,
 * which fetches and renews it.
 */
final class AdminConnection {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String root;
    private final MaasClient tokens;

    /** A refused request: the server's message and status. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param root   the server's root URL, e.g. {@code http://localhost:8080}
     * @param tokens the client whose access token authorizes the calls
     */
    AdminConnection(String root, MaasClient tokens) {
        this.root = root;
        this.tokens = tokens;
    }

    /** The server's root URL, e.g. {@code http://localhost:8080}. */
    String root() {
        return root;
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + path)).timeout(TIMEOUT)
                .header("Authorization", authorization());
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            return answer(send(request.build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String query(String name, String value) {
        return value == null ? "" : "&" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String authorization() {
        try {
            return tokens.accessToken().authorization();
        } catch (MaasException e) {
            if (e.httpStatus() == 0) {
                throw unreachable(e.getMessage());
            }
            throw new Refused("the server refused client '" + tokens.clientId() + "': " + e.getMessage()
                    + " (HTTP " + e.httpStatus() + ")");
        }
    }

    private JsonNode answer(HttpResponse<String> response) {
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 300) {
            String message = body.path("message").asText(response.body());
            String retry = response.headers().firstValue("Retry-After").map(s -> "; retry after " + s + " s").orElse("");
            throw new Refused(message + " (HTTP " + response.statusCode() + retry + ")");
        }
        return body;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable("cannot reach " + root + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
    }

    private static Refused unreachable(String why) {
        return new Refused(why + "; is the server running (maas serve), or is --base-url wrong?");
    }

    private static JsonNode parse(String body) {
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body);
        }
    }
}
