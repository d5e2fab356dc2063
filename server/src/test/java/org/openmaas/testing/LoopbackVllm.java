package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback stand-in for vLLM's OpenAI-compatible server (vLLM needs a GPU), over {@link ToyModel}. Its answers have
 * the shapes of vLLM's source (vllm-project/vllm):
 * <ul>
 * <li>{@code GET /health}: 200 with no body ({@code vllm/entrypoints/openai/api_server.py}, {@code health}).</li>
 * <li>{@code POST /tokenize}: {@code {"count", "max_model_len", "tokens"}} for {@code {"prompt",
 * "add_special_tokens"}} or {@code {"messages", "add_generation_prompt"}} ({@code TokenizeCompletionRequest},
 * {@code TokenizeChatRequest} and {@code TokenizeResponse} in {@code vllm/entrypoints/openai/protocol.py}).</li>
 * <li>{@code POST /v1/completions} with {@code stream}: one {@code text_completion} chunk per token whose
 * {@code logprobs} hold {@code tokens: ["token_id:<id>"]}, {@code token_logprobs} and {@code top_logprobs} (the
 * sampled token plus the top {@code logprobs}, as {@code _create_completion_logprobs} builds them with
 * {@code return_tokens_as_token_ids}), {@code finish_reason} and {@code stop_reason} on the last token's chunk, then
 * with {@code stream_options.include_usage} a chunk of {@code "choices": []} and the usage, then {@code data: [DONE]}
 * ({@code completion_stream_generator} in {@code vllm/entrypoints/openai/completion/serving.py}). EOS is streamed
 * with empty text (vLLM skips special tokens' text).</li>
 * <li>An unknown model: 404 {@code {"error": {"message", "type": "NotFoundError", "param": "model", "code": 404}}}
 * ({@code ErrorResponse}/{@code ErrorInfo} in {@code vllm/entrypoints/openai/engine/protocol.py}).</li>
 * </ul>
 * The toy model decodes greedily whatever sampling the request asks for; tests read the request to check the mapping.
 * A test may script the next reply's text instead ({@link #replyNext}), as the toy model writes no markup.
 */
public final class LoopbackVllm extends LoopbackUpstream {

    /** The id of a scripted reply's character c is this plus c. */
    public static final int SCRIPTED_IDS = 1000;

    private final String model;
    private volatile String scripted; // the next completion's text, when a test set one

    public LoopbackVllm(String model) {
        this.model = model;
    }

    /**
     * The next completion streams {@code text} in place of the toy model's tokens, one character per token (id
     * {@link #SCRIPTED_IDS} + the character), then EOS.
     */
    public void replyNext(String text) {
        scripted = text;
    }

    @Override
    protected void handle(HttpExchange exchange, String path, JsonNode body) throws IOException {
        switch (path) {
            case "/health" -> send(exchange, 200, "");
            case "/tokenize" -> tokenize(exchange, body);
            case "/v1/completions" -> {
                if (!refused(exchange)) {
                    complete(exchange, body);
                }
            }
            default -> send(exchange, 404, "{\"detail\":\"Not Found\"}");
        }
    }

    private void tokenize(HttpExchange exchange, JsonNode body) throws IOException {
        List<Integer> ids;
        if (body.has("messages")) {
            StringBuilder text = new StringBuilder();
            for (JsonNode message : body.path("messages")) {
                text.append(message.path("role").asText()).append(": ").append(message.path("content").asText())
                        .append('\n');
            }
            if (body.path("add_generation_prompt").asBoolean(true)) {
                text.append("assistant: ");
            }
            ids = ToyModel.tokenize(text.toString(), true);
        } else {
            ids = ToyModel.tokenize(body.path("prompt").asText(), body.path("add_special_tokens").asBoolean(true));
        }
        ObjectNode answer = TestServer.JSON.createObjectNode().put("count", ids.size()).put("max_model_len", 2048);
        ids.forEach(answer.putArray("tokens")::add);
        send(exchange, 200, answer.toString());
    }

    private void complete(HttpExchange exchange, JsonNode body) throws IOException {
        if (!model.equals(body.path("model").asText())) {
            send(exchange, 404, "{\"error\":{\"message\":\"The model `" + body.path("model").asText()
                    + "` does not exist.\",\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}");
            return;
        }
        List<Integer> context = new ArrayList<>();
        body.path("prompt").forEach(id -> context.add(id.asInt()));
        int promptTokens = context.size();
        int maxTokens = body.path("max_tokens").asInt(16);
        int logprobs = body.path("logprobs").asInt(0);
        String reply = scripted;
        scripted = null;
        try (EventWriter events = new EventWriter(exchange)) {
            if (reply != null) {
                for (char c : reply.toCharArray()) {
                    context.add(SCRIPTED_IDS + c);
                    events.token(chunk(SCRIPTED_IDS + c, String.valueOf(c),
                            List.of(new ToyModel.Alternative(SCRIPTED_IDS + c, -0.25f)), null));
                }
                context.add(ToyModel.EOS);
                events.token(chunk(ToyModel.EOS, "", List.of(new ToyModel.Alternative(ToyModel.EOS, -0.25f)), "stop"));
            }
            for (int generated = 1; reply == null && generated <= maxTokens; generated++) {
                List<ToyModel.Alternative> top = ToyModel.top(context, eosAt(), Math.max(1, logprobs));
                int id = top.getFirst().id();
                context.add(id);
                boolean eos = id == ToyModel.EOS;
                String finish = eos ? "stop" : generated == maxTokens ? "length" : null;
                if (!events.token(chunk(id, ToyModel.special(id) ? "" : ToyModel.text(id),
                        top.subList(0, Math.max(1, logprobs)), finish))) {
                    return;
                }
                if (finish != null) {
                    break;
                }
            }
            int completionTokens = context.size() - promptTokens;
            events.data("{\"id\":\"cmpl-toy\",\"object\":\"text_completion\",\"created\":1,\"model\":\"" + model
                    + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"total_tokens\":"
                    + (promptTokens + completionTokens) + ",\"completion_tokens\":" + completionTokens + "}}");
            events.data("[DONE]");
        }
    }

    private String chunk(int id, String text, List<ToyModel.Alternative> top, String finish) {
        ObjectNode chunk = TestServer.JSON.createObjectNode().put("id", "cmpl-toy").put("object", "text_completion")
                .put("created", 1).put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0)
                .put("text", text);
        ObjectNode logprobs = choice.putObject("logprobs");
        logprobs.putArray("text_offset").add(0);
        logprobs.putArray("token_logprobs").add(top.getFirst().logprob());
        logprobs.putArray("tokens").add("token_id:" + id);
        ObjectNode alternatives = ((ArrayNode) logprobs.putArray("top_logprobs")).addObject();
        top.forEach(alternative -> alternatives.put("token_id:" + alternative.id(), alternative.logprob()));
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        choice.putNull("stop_reason");
        return chunk.toString();
    }
}
