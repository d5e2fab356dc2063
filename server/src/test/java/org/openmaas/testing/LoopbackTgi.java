package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback stand-in for Hugging Face text-generation-inference (TGI needs a GPU), over {@link ToyModel}. Its answers
 * have the shapes of TGI's router (huggingface/text-generation-inference, {@code router/src/lib.rs} and
 * {@code router/src/server.rs}):
 * <ul>
 * <li>{@code POST /generate_stream}: one event per token, {@code StreamResponse {index, token: {id, text, logprob,
 * special}, top_tokens (left out when empty), generated_text: null, details: null}}; the last has the generated text
 * and, with {@code parameters.details}, {@code StreamDetails {finish_reason: "length" | "eos_token" |
 * "stop_sequence", generated_tokens, seed, input_length}} ({@code generate_stream_internal}). A failure mid-stream is
 * an event {@code {"error", "error_type"}} ({@code impl From<InferError> for Event}).</li>
 * <li>Validation as {@code router/src/validation.rs} does it: 422 {@code {"error", "error_type": "validation"}} for a
 * temperature that is not strictly positive, a top_p or typical_p outside (0, 1) or a top_k below 1.</li>
 * <li>{@code POST /tokenize}: the list of {@code SimpleToken {id, text, start, stop}}; {@code POST /chat_tokenize}:
 * {@code ChatTokenizeResponse {tokenize_response, templated_text}}; {@code GET /health}: 200.</li>
 * </ul>
 * The toy model decodes greedily whatever sampling the request asks for; tests read the request to check the mapping.
 */
public final class LoopbackTgi extends LoopbackUpstream {

    @Override
    protected void handle(HttpExchange exchange, String path, JsonNode body) throws IOException {
        switch (path) {
            case "/health" -> send(exchange, 200, "");
            case "/tokenize" -> send(exchange, 200, simpleTokens(body.path("inputs").asText()).toString());
            case "/chat_tokenize" -> {
                String templated = template(body.path("messages"));
                ObjectNode answer = TestServer.JSON.createObjectNode();
                answer.set("tokenize_response", simpleTokens(templated));
                answer.put("templated_text", templated);
                send(exchange, 200, answer.toString());
            }
            case "/generate_stream" -> {
                if (!refused(exchange) && valid(exchange, body.path("parameters"))) {
                    generate(exchange, body);
                }
            }
            default -> send(exchange, 404, "");
        }
    }

    private static String template(JsonNode messages) {
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            text.append(message.path("role").asText()).append(": ").append(message.path("content").asText())
                    .append('\n');
        }
        return text.append("assistant: ").toString();
    }

    private static ArrayNode simpleTokens(String text) {
        ArrayNode tokens = TestServer.JSON.createArrayNode();
        List<Integer> ids = ToyModel.tokenize(text, true);
        for (int i = 0; i < ids.size(); i++) {
            tokens.addObject().put("id", ids.get(i)).put("text", ToyModel.text(ids.get(i)))
                    .put("start", Math.max(0, i - 1)).put("stop", i);
        }
        return tokens;
    }

    private static boolean valid(HttpExchange exchange, JsonNode parameters) throws IOException {
        String error = null;
        if (parameters.has("temperature") && parameters.path("temperature").asDouble() <= 0) {
            error = "`temperature` must be strictly positive";
        } else if (parameters.has("top_p") && !(parameters.path("top_p").asDouble() > 0
                && parameters.path("top_p").asDouble() < 1)) {
            error = "`top_p` must be > 0.0 and < 1.0";
        } else if (parameters.has("typical_p") && !(parameters.path("typical_p").asDouble() > 0
                && parameters.path("typical_p").asDouble() < 1)) {
            error = "`typical_p` must be > 0.0 and < 1.0";
        } else if (parameters.has("top_k") && parameters.path("top_k").asInt() <= 0) {
            error = "`top_k` must be strictly positive";
        }
        if (error == null) {
            return true;
        }
        send(exchange, 422, TestServer.JSON.createObjectNode().put("error", "Input validation error: " + error)
                .put("error_type", "validation").toString());
        return false;
    }

    private void generate(HttpExchange exchange, JsonNode body) throws IOException {
        JsonNode parameters = body.path("parameters");
        List<Integer> context = new ArrayList<>(ToyModel.tokenize(body.path("inputs").asText(), true));
        int inputLength = context.size();
        int maxNewTokens = parameters.path("max_new_tokens").asInt(100);
        int topN = parameters.path("top_n_tokens").asInt(0);
        StringBuilder text = new StringBuilder();
        try (EventWriter events = new EventWriter(exchange)) {
            for (int generated = 1; generated <= maxNewTokens; generated++) {
                List<ToyModel.Alternative> top = ToyModel.top(context, eosAt(), Math.max(1, topN));
                int id = top.getFirst().id();
                context.add(id);
                if (!ToyModel.special(id)) {
                    text.append(ToyModel.text(id));
                }
                String finish = id == ToyModel.EOS ? "eos_token" : generated == maxNewTokens ? "length" : null;
                ObjectNode event = TestServer.JSON.createObjectNode().put("index", generated);
                event.set("token", token(id, top.getFirst().logprob()));
                if (topN > 0) {
                    ArrayNode alternatives = event.putArray("top_tokens");
                    top.forEach(alternative -> alternatives.add(token(alternative.id(), alternative.logprob())));
                }
                if (finish == null) {
                    event.putNull("generated_text");
                    event.putNull("details");
                } else {
                    event.put("generated_text", text.toString());
                    ObjectNode details = event.putObject("details").put("finish_reason", finish)
                            .put("generated_tokens", generated).put("input_length", inputLength);
                    if (parameters.has("seed")) {
                        details.set("seed", parameters.get("seed"));
                    } else {
                        details.putNull("seed");
                    }
                }
                if (!events.token(event.toString()) || finish != null) {
                    return;
                }
            }
        }
    }

    private static ObjectNode token(int id, float logprob) {
        return TestServer.JSON.createObjectNode().put("id", id).put("text", ToyModel.text(id)).put("logprob", logprob)
                .put("special", ToyModel.special(id));
    }
}
