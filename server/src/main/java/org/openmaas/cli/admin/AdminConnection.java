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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import picocli.CommandLine.Option;

/**
 * The options every {@code maas admin} command shares: where the server is and which admin client to act as. The
 * secret is best given in {@code MAAS_CLIENT_SECRET} (a command-line flag shows in the process list).
 */
public final class AdminConnection {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:MAAS_URL:-http://localhost:8080}",
            description = "The server (default: $MAAS_URL, else ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "${env:MAAS_CLIENT_ID}",
            description = "An admin client's id (default: $MAAS_CLIENT_ID, else the credentials file).")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET", defaultValue = "${env:MAAS_CLIENT_SECRET}",
            description = "Its secret (default: $MAAS_CLIENT_SECRET, else the credentials file).")
    String clientSecret;

    @Option(names = "--credentials", paramLabel = "FILE", defaultValue = "maas-data/bootstrap-credentials.json",
            description = "A JSON file with client_id and client_secret, used when they are not given otherwise "
                    + "(default: ${DEFAULT-VALUE}, written by the server's first start).")
    Path credentials;

    @Option(names = "--json", description = "Print the server's JSON instead of a table.")
    boolean json;

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String token;

    /** A refused request: the server's message and status. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token());
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

    private String token() {
        if (token == null) {
            String[] credentials = credentials();
            String form = "grant_type=client_credentials&scope=admin";
            HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/oauth2/token")).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (credentials[0] + ":" + credentials[1]).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            HttpResponse<String> response = send(request);
            JsonNode answer = parse(response.body());
            if (response.statusCode() != 200) {
                throw new Refused("the server refused client '" + credentials[0] + "': "
                        + answer.path("error_description").asText(response.body()) + " (HTTP " + response.statusCode() + ")");
            }
            token = answer.get("access_token").asText();
        }
        return token;
    }

    private String[] credentials() {
        if (clientId != null && clientSecret != null) {
            return new String[]{clientId, clientSecret};
        }
        if (Files.exists(credentials)) {
            try {
                JsonNode file = JSON.readTree(Files.readString(credentials));
                return new String[]{clientId != null ? clientId : file.path("client_id").asText(),
                        clientSecret != null ? clientSecret : file.path("client_secret").asText()};
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the credentials file " + credentials + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("no admin credentials: set MAAS_CLIENT_ID and MAAS_CLIENT_SECRET, give "
                + "--client-id and --client-secret, or --credentials FILE (" + credentials + " does not exist)");
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
            throw new Refused("cannot reach " + base() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + "; is the server running (maas serve), or is --url wrong?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
    }

    private String base() {
        return url.replaceAll("/+$", "");
    }

    private static JsonNode parse(String body) {
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body);
        }
    }
}
