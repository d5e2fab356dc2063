package org.openmaas.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openmaas.client.AccessToken;
import org.openmaas.client.FinishReason;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerationDetails;
import org.openmaas.client.MaasException;
import org.openmaas.client.Model;
import org.openmaas.client.ServerException;
import org.openmaas.client.Token;
import org.openmaas.client.TokenEvent;

/**
 * The JSON of the wire contract (ARCHITECTURE §2): what the SDK sends and how it reads what comes back. Reading is
 * lenient where protobuf JSON may leave a default value out ({@code special: false}, an empty {@code top_tokens}).
 */
public final class Wire {

    static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    /** The generatestream body, in lowerCamelCase as the guide's curl command writes it; unset parameters left out. */
    public static byte[] generateBody(GenerateRequest request, String cloudAccountId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", request.model().modelName());
        body.put("cloudAccountId", cloudAccountId);
        body.put("productName", request.model().productName());
        body.put("productId", request.model().productId());
        ObjectNode inner = body.putObject("request");
        inner.put("prompt", request.prompt());
        ObjectNode params = inner.putObject("params");
        putIfSet(params, "maxNewTokens", request.maxNewTokens());
        putIfSet(params, "temperature", request.temperature());
        putIfSet(params, "topK", request.topK());
        putIfSet(params, "topP", request.topP());
        putIfSet(params, "typicalP", request.typicalP());
        putIfSet(params, "repetitionPenalty", request.repetitionPenalty());
        putIfSet(params, "frequencyPenalty", request.frequencyPenalty());
        if (request.doSample() != null) {
            params.put("doSample", request.doSample());
        }
        if (request.seed() != null) {
            params.put("seed", request.seed()); // protobuf JSON writes uint64 as a decimal string
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = params.putArray("stop");
            request.stop().forEach(stop::add);
        }
        putIfSet(params, "topNTokens", request.topNTokens());
        putIfSet(params, "truncate", request.truncate());
        return write(body);
    }

    private static void putIfSet(ObjectNode node, String name, Integer value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void putIfSet(ObjectNode node, String name, Double value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    /** {@code {"models": [{"model_name", "product_id", "product_name"}, ...]}}. */
    public static List<Model> models(byte[] body, String requestId) {
        JsonNode models = read(body, requestId, "the model list").get("models");
        if (models == null || models.isNull()) {
            return List.of(); // protobuf JSON leaves an empty repeated field out
        }
        if (!models.isArray()) {
            throw unexpected("the model list's \"models\" is not an array", requestId);
        }
        List<Model> list = new ArrayList<>();
        for (JsonNode m : models) {
            list.add(new Model(text(m, "model_name", "modelName"), text(m, "product_id", "productId"),
                    text(m, "product_name", "productName")));
        }
        return List.copyOf(list);
    }

    /**
     * The token endpoint's answer. A missing {@code expires_in} (it is only RECOMMENDED) counts as a few minutes, so
     * the client asks again soon rather than use a token the service may have dropped.
     */
    public static AccessToken accessToken(byte[] body, Instant requestedAt, String requestId) {
        JsonNode json = read(body, requestId, "the token response");
        String value = json.path("access_token").asText("");
        if (value.isEmpty()) {
            throw unexpected("the token response has no access_token", requestId);
        }
        long expiresIn = json.path("expires_in").asLong(0);
        if (expiresIn <= 0) {
            expiresIn = 300;
        }
        String type = json.path("token_type").asText("");
        return new AccessToken(type.isEmpty() ? "Bearer" : type, value, requestedAt.plusSeconds(expiresIn),
                json.path("scope").asText(""));
    }

    /** One parsed line of a generation stream: a token event, or the failure its error line reports. */
    public sealed interface StreamLine {
        record Event(TokenEvent event) implements StreamLine {
        }

        record Failure(MaasException failure) implements StreamLine {
        }
    }

    /** Parses one NDJSON line; {@code headerRequestId} stands in when the line has no requestID. */
    public static StreamLine streamLine(String line, String headerRequestId) {
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (IOException e) {
            throw unexpected("a stream line is not JSON: " + abbreviate(line), headerRequestId);
        }
        if (json == null || !json.isObject()) {
            throw unexpected("a stream line is not a JSON object: " + abbreviate(line), headerRequestId);
        }
        JsonNode error = json.get("error");
        if (error != null && error.isObject()) {
            return new StreamLine.Failure(Errors.fromStreamError(error, headerRequestId));
        }
        JsonNode response = json.path("result").path("response");
        if (!response.isObject() || !response.path("token").isObject()) {
            throw unexpected("a stream line has no result.response.token: " + abbreviate(line), headerRequestId);
        }
        String requestId = response.path("requestID").asText(headerRequestId == null ? "" : headerRequestId);
        List<Token> top = new ArrayList<>();
        for (JsonNode t : response.path("top_tokens")) {
            top.add(token(t));
        }
        Optional<String> generatedText = response.hasNonNull("generated_text")
                ? Optional.of(response.get("generated_text").asText()) : Optional.empty();
        Optional<GenerationDetails> details = response.path("details").isObject()
                ? Optional.of(details(response.get("details"))) : Optional.empty();
        return new StreamLine.Event(new TokenEvent(token(response.get("token")), top, requestId, generatedText,
                details, line));
    }

    private static GenerationDetails details(JsonNode details) {
        String reason = details.path("finish_reason").asText("");
        Optional<String> seed = details.hasNonNull("seed") ? Optional.of(details.get("seed").asText())
                : Optional.empty();
        return new GenerationDetails(FinishReason.fromWire(reason), reason,
                details.path("generated_tokens").asInt(0), seed);
    }

    private static Token token(JsonNode t) {
        return new Token(t.path("id").asInt(0), t.path("text").asText(""), t.path("logprob").asDouble(0),
                t.path("special").asBoolean(false));
    }

    private static JsonNode read(byte[] body, String requestId, String what) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw unexpected(what + " is not a JSON object", requestId);
            }
            return json;
        } catch (IOException e) {
            throw unexpected(what + " is not JSON", requestId);
        }
    }

    private static String text(JsonNode node, String snake, String camel) {
        JsonNode value = node.has(snake) ? node.get(snake) : node.get(camel);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ServerException unexpected(String message, String requestId) {
        return new ServerException("the service's answer does not follow the MaaS wire contract: " + message,
                ServerException.INTERNAL, 200, requestId, null, null);
    }

    private static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
