package org.openmaas.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One event of an OpenAI-style streamed completion, as vLLM and OpenAI-compatible servers send it: the text it adds,
 * each of its tokens with its logprob and top alternatives (when logprobs were asked for), the finish reason on the
 * last one and the usage on the one after it. Both shapes are read: {@code /v1/completions}
 * ({@code choices[0].text}, {@code logprobs: {tokens, token_logprobs, top_logprobs}}) and
 * {@code /v1/chat/completions} ({@code choices[0].delta.content}, {@code logprobs: {content: [{token, logprob,
 * top_logprobs: [{token, logprob}]}]}}).
 *
 * @param steps        the chunk's tokens, in order; empty when the server sent no logprobs
 * @param finishReason {@code length}, {@code stop} (an EOS, a stop token or a stop string), or another the server uses
 * @param stopReason   vLLM's {@code stop_reason}: absent (or null) for an EOS token
 * @param usage        the counts of the whole completion, on the last event when {@code include_usage} was asked for
 * @param toolCalls    pieces of the calls the reply makes ({@code choices[0].delta.tool_calls}, chat only)
 */
record CompletionChunk(String text, List<Step> steps, Optional<String> finishReason, Optional<JsonNode> stopReason,
                       Optional<Usage> usage, List<CallDelta> toolCalls) {

    /** One token as the server names it ({@code token_id:123} for vLLM asked for ids; its text otherwise). */
    record Step(String token, float logprob, List<Alternative> top) {
    }

    record Alternative(String token, float logprob) {
    }

    record Usage(int promptTokens, int completionTokens) {
    }

    /**
     * A piece of the {@code index}-th call: OpenAI streams its id and name first (absent afterwards) and its arguments
     * in fragments to be joined.
     */
    record CallDelta(int index, Optional<String> id, Optional<String> name, String arguments) {
    }

    /** The chunk's tokens, or an error event's message as a broken stream. */
    static CompletionChunk of(JsonNode event) throws UpstreamException {
        if (event.has("error")) {
            throw new UpstreamException(new UpstreamFailure.Broken("the upstream failed the generation: "
                    + UpstreamHttp.errorMessage(event.toString()).orElse("no message")));
        }
        Optional<Usage> usage = Optional.empty();
        JsonNode usageNode = event.path("usage");
        if (usageNode.isObject()) {
            usage = Optional.of(new Usage(usageNode.path("prompt_tokens").asInt(),
                    usageNode.path("completion_tokens").asInt()));
        }
        JsonNode choice = event.path("choices").path(0);
        if (choice.isMissingNode()) {
            return new CompletionChunk("", List.of(), Optional.empty(), Optional.empty(), usage, List.of());
        }
        boolean chat = choice.has("delta");
        String text = chat ? choice.path("delta").path("content").asText("") : choice.path("text").asText("");
        List<Step> steps = chat ? chatSteps(choice.path("logprobs").path("content"))
                : completionSteps(choice.path("logprobs"));
        JsonNode finish = choice.path("finish_reason");
        JsonNode stop = choice.path("stop_reason");
        return new CompletionChunk(text, steps, finish.isTextual() ? Optional.of(finish.asText()) : Optional.empty(),
                stop.isMissingNode() || stop.isNull() ? Optional.empty() : Optional.of(stop), usage,
                callDeltas(choice.path("delta").path("tool_calls")));
    }

    private static List<CallDelta> callDeltas(JsonNode calls) {
        List<CallDelta> deltas = new ArrayList<>(calls.size());
        for (JsonNode call : calls) {
            JsonNode function = call.path("function");
            deltas.add(new CallDelta(call.path("index").asInt(), text(call.path("id")), text(function.path("name")),
                    function.path("arguments").asText("")));
        }
        return deltas;
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
    }

    /** {@code /v1/completions}: parallel lists, the alternatives a map from token to logprob. */
    private static List<Step> completionSteps(JsonNode logprobs) throws UpstreamException {
        JsonNode tokens = logprobs.path("tokens");
        JsonNode values = logprobs.path("token_logprobs");
        JsonNode tops = logprobs.path("top_logprobs");
        List<Step> steps = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            List<Alternative> top = new ArrayList<>();
            for (Map.Entry<String, JsonNode> entry : tops.path(i).properties()) {
                top.add(new Alternative(entry.getKey(), (float) entry.getValue().asDouble()));
            }
            steps.add(new Step(tokens.get(i).asText(), logprob(values.path(i)), mostLikelyFirst(top)));
        }
        return steps;
    }

    /** {@code /v1/chat/completions}: one object per token, the alternatives a list. */
    private static List<Step> chatSteps(JsonNode content) throws UpstreamException {
        List<Step> steps = new ArrayList<>(content.size());
        for (JsonNode token : content) {
            List<Alternative> top = new ArrayList<>();
            for (JsonNode alternative : token.path("top_logprobs")) {
                top.add(new Alternative(alternative.path("token").asText(), logprob(alternative.path("logprob"))));
            }
            steps.add(new Step(token.path("token").asText(), logprob(token.path("logprob")), mostLikelyFirst(top)));
        }
        return steps;
    }

    private static float logprob(JsonNode value) throws UpstreamException {
        if (!value.isNumber()) {
            throw new UpstreamException(new UpstreamFailure.Broken("the upstream streamed a token without its logprob"));
        }
        return (float) value.asDouble();
    }

    /**
     * vLLM lists the sampled token among the alternatives even when it is not among the most likely (OpenAI's "top
     * logprobs + 1"): sorted, the sampled token falls to the end, where the request's count leaves it out.
     */
    private static List<Alternative> mostLikelyFirst(List<Alternative> top) {
        top.sort(Comparator.comparingDouble(Alternative::logprob).reversed());
        return top;
    }

    /** The id in vLLM's {@code token_id:123} form, when the token is in it. */
    static OptionalInt tokenId(String token) {
        if (!token.startsWith("token_id:")) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(token.substring("token_id:".length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
